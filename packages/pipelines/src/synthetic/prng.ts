import { createRandom, type Random } from '@noise-classifier/features';

/**
 * The seeded generator pipelines uses for synthetic clips, splits, shuffles and training streams: the features
 * package's `Random` (mulberry32), with the seed mixed with a constant first so that seed 0 does not start from
 * mulberry32's all-zero state. The mixing is kept as it was when the bundled model was trained, so the commands
 * recorded in its model card reproduce the same clips and batches.
 */
export function createPrng(seed: number): Random {
  return createRandom(((seed >>> 0) ^ 0x9e3779b9) >>> 0);
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i); // j ≤ i < out.length
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
