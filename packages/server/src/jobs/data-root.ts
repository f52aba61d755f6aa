import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../api-error';
import { isInside } from './confined-files';

/**
 * Resolves a client-supplied relative path inside `root`. Absolute paths, `..` escapes, NUL bytes and
 * symbolic links that lead outside the root are refused, so a client can never name an arbitrary server file.
 * The error message repeats neither the root nor the resolved path.
 */
export async function resolveUnderRoot(root: string | undefined, relative: unknown, field: string): Promise<string> {
  if (!root) throw new ApiError(400, 'E_PATH_OUTSIDE_ROOT', `${field} cannot be used: the server has no data root configured`);
  if (typeof relative !== 'string' || relative.length === 0 || relative.length > 1024) {
    throw new ApiError(400, 'E_BAD_REQUEST', `${field} must be a non-empty relative path of at most 1024 characters`);
  }
  if (relative.includes('\0') || path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative) || relative.startsWith('\\')) {
    throw new ApiError(400, 'E_PATH_OUTSIDE_ROOT', `${field} must be a path relative to the data root`);
  }
  const rootReal = await realpath(root);
  const candidate = path.resolve(rootReal, relative);
  if (!isInside(rootReal, candidate)) throw new ApiError(400, 'E_PATH_OUTSIDE_ROOT', `${field} points outside the data root`);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new ApiError(400, 'E_BAD_REQUEST', `${field} does not exist under the data root`);
  }
  if (!isInside(rootReal, real)) throw new ApiError(400, 'E_PATH_OUTSIDE_ROOT', `${field} points outside the data root`);
  return real;
}
