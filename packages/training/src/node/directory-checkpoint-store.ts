import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@noise-classifier/runtime-node';
import type { CheckpointStore } from '../checkpoint';

/** A CheckpointStore on a folder (made on first write): atomic writes, undefined for a missing file. */
export function directoryCheckpointStore(dir: string): CheckpointStore {
  let made: Promise<unknown> | undefined;
  // Names are the trainer's own file names; basename keeps a crafted one inside the folder.
  const inside = (name: string) => path.join(dir, path.basename(name));
  return {
    async writeFileAtomic(name, bytes) {
      await (made ??= mkdir(dir, { recursive: true }));
      await writeFileAtomic(inside(name), bytes);
    },
    async readFile(name) {
      try {
        return new Uint8Array(await readFile(inside(name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
