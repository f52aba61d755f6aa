/** Deterministic pseudo-random samples in [-0.5, 0.5) (a 32-bit LCG), the same for a given seed on every run. */
export function uniformNoise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}
