import type { Random } from '@noise-classifier/features';
import { createPrng } from '@noise-classifier/pipelines';

/** A seed for stream `k` of run `seed` (epoch, item…): independent streams without storing generator state. */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let h = (seed >>> 0) ^ 0x85ebca6b;
  for (const k of keys) {
    h = Math.imul(h ^ (k >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593) ^ 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function derivePrng(seed: number, ...keys: number[]): Random {
  return createPrng(deriveSeed(seed, ...keys));
}
