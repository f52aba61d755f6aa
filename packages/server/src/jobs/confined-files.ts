import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { NoiseClassifierError } from '@noise-classifier/config';

/** The file access a NoiseDataset reads through (pipelines' `DatasetFileAccess`). */
export interface DatasetFileAccess {
  readFile(location: string): Promise<Uint8Array>;
  listDirectory(location: string): Promise<{ name: string; isDirectory: boolean }[]>;
}

/**
 * Dataset file access confined to a data root. Locations are relative to the root (so every error message names
 * root-relative paths only); each one — the dataset, every manifest row, every file and sub-folder found in a
 * dataset folder — is resolved with symbolic links followed and refused with E_PATH_OUTSIDE_ROOT unless it stays
 * inside the root. Files outside the root are never opened, and no error repeats file contents.
 */
export function confinedDatasetFiles(dataRoot: string): DatasetFileAccess {
  let rootReal: Promise<string> | undefined;
  const root = () => (rootReal ??= realpath(dataRoot));

  const resolve = async (location: string): Promise<string> => {
    const base = await root();
    const refuse = (shown: string, why: string) =>
      new NoiseClassifierError('E_PATH_OUTSIDE_ROOT', `Dataset path ${shown} ${why}`, {
        field: 'dataset',
        expected: 'a path relative to the data root that stays inside it (symbolic links followed)',
      });
    if (typeof location !== 'string' || location.includes('\0')) throw refuse('(not a valid path)', 'cannot be used');
    // Absolute POSIX/Windows paths and URLs (a manifest may hold any of them) never name a file under the root;
    // they are not repeated, since they name server folders.
    if (path.isAbsolute(location) || /^[A-Za-z]:/.test(location) || location.startsWith('\\') || /^[a-z][a-z0-9+.-]*:/i.test(location)) {
      throw refuse('(an absolute path or URL)', 'is outside the data root');
    }
    const lexical = path.resolve(base, location);
    if (!isInside(base, lexical)) throw refuse(quote(location), 'points outside the data root');
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (error) {
      throw missing(location, error);
    }
    if (!isInside(base, real)) throw refuse(quote(location), 'is a symbolic link that leads outside the data root');
    return real;
  };

  return {
    async readFile(location) {
      const real = await resolve(location);
      try {
        if (!(await stat(real)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        return new Uint8Array(await readFile(real));
      } catch (error) {
        throw missing(location, error);
      }
    },
    async listDirectory(location) {
      const real = await resolve(location);
      let entries;
      try {
        entries = await readdir(real, { withFileTypes: true });
      } catch (error) {
        throw missing(location, error);
      }
      // Symbolic links are listed as what they point at, so a linked sub-folder is visited (and then refused if it
      // leaves the root) rather than silently skipped.
      return Promise.all(
        entries.map(async (e) => ({
          name: e.name,
          isDirectory: e.isSymbolicLink() ? await stat(path.join(real, e.name)).then((s) => s.isDirectory(), () => false) : e.isDirectory(),
        })),
      );
    },
  };
}

/** A failed read, reported with the root-relative location and the errno code only (never the absolute path). */
function missing(location: string, error: unknown): NoiseClassifierError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' || code === 'ENOTDIR' ? 'is not the expected kind (file or folder)' : `cannot be read (${code ?? 'error'})`;
  return new NoiseClassifierError('E_DATASET', `Dataset path ${quote(location)} ${what}`, {
    field: 'dataset',
    expected: 'a readable audio file, manifest or folder inside the data root',
    received: quote(location),
  });
}

function quote(location: unknown): string {
  const text = typeof location === 'string' ? location : String(location);
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
