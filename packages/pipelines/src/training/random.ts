import { createPrng, type Prng } from '../synthetic/prng';

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

export function derivePrng(seed: number, ...keys: number[]): Prng {
  return createPrng(deriveSeed(seed, ...keys));
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 via the boost Gamma(a+1)·U^(1/a)). */
export function sampleGamma(prng: Prng, shape: number): number {
  if (shape < 1) return sampleGamma(prng, shape + 1) * Math.pow(Math.max(prng.next(), 1e-12), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = prng.gaussian();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = prng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(α, α), the mixup weight distribution. */
export function sampleBeta(prng: Prng, alpha: number): number {
  const a = sampleGamma(prng, alpha);
  const b = sampleGamma(prng, alpha);
  return a + b === 0 ? 0.5 : a / (a + b);
}
