import { readdir } from 'node:fs/promises';
import { NoiseClassifierError } from '@noise-classifier/config';
import { readAudioFile } from '@noise-classifier/runtime-node';
import type { DatasetFileAccess } from '../data/noise-dataset';

/** Node file access for datasets: reads files (missing → E_DATASET naming the path) and lists folders. */
export const nodeDatasetFiles: DatasetFileAccess = {
  async readFile(location) {
    try {
      return await readAudioFile(location);
    } catch (error) {
      if (error instanceof NoiseClassifierError) {
        throw new NoiseClassifierError('E_DATASET', error.message, { field: 'file', expected: 'a readable file', received: location, cause: error });
      }
      throw error;
    }
  },
  async listDirectory(location) {
    try {
      const entries = await readdir(location, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new NoiseClassifierError('E_DATASET', `Dataset folder ${JSON.stringify(location)} does not exist`, {
          field: 'root',
          expected: 'a folder with one sub-folder per class',
          received: location,
          cause: error,
        });
      }
      throw error;
    }
  },
};


