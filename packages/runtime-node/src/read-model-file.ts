import { readFile } from 'node:fs/promises';
import { NoiseClassifierError } from '@noise-classifier/config';

/** Reads a model file's bytes; a missing file is E_MODEL_NOT_FOUND naming the path. */
export async function readModelFile(path: string): Promise<Uint8Array> {
  return readBytes(path, 'E_MODEL_NOT_FOUND', 'model file');
}

/** Reads a file, mapping "no such file" and "is a directory" to a NoiseClassifierError with the path. */
export async function readBytes(path: string, notFoundCode: 'E_MODEL_NOT_FOUND' | 'E_BAD_AUDIO', what: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new NoiseClassifierError(notFoundCode, `${what} path must be a non-empty string`, {
      field: 'path',
      expected: 'a file path',
      received: typeof path === 'string' ? 'an empty string' : typeof path,
    });
  }
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'is not readable' : undefined;
    if (reason) {
      throw new NoiseClassifierError(notFoundCode, `${what} ${JSON.stringify(path)} ${reason}`, {
        field: 'path',
        expected: `a readable ${what}`,
        received: path,
        cause: error,
      });
    }
    throw error;
  }
}
