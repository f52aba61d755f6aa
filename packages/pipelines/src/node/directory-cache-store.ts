import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@noise-classifier/runtime-node';
import type { FeatureCacheStore } from '../data/feature-cache';

/**
 * Feature cache in a folder: one file per key (`<key>.lmg`), written atomically so a crash never leaves a half
 * entry; unreadable entries are misses. Keys are hex hashes, so they are safe file names.
 */
export function createDirectoryCacheStore(directory: string): FeatureCacheStore {
  let ready: Promise<unknown> | undefined;
  return {
    async get(key) {
      try {
        const buffer = await readFile(join(directory, `${key}.lmg`));
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      await (ready ??= mkdir(directory, { recursive: true }));
      await writeFileAtomic(join(directory, `${key}.lmg`), value);
    },
  };
}
