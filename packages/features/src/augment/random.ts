import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** A small seeded random source. Every augmentation takes one, so a seed fixes the whole result. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Standard normal. */
  normal(): number;
  /** Gamma(shape, 1). */
  gamma(shape: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
}

/**
 * mulberry32 (a 32-bit state, full period 2^32 generator; plenty for augmentation) with Box–Muller normals and
 * Marsaglia–Tsang gammas. Same seed, same sequence, on every platform: only 32-bit integer maths and IEEE doubles.
 */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) {
    throw new NoiseClassifierError('E_CONFIG', 'Random seed must be a finite number', { field: 'seed', expected: 'a finite number', received: describeValue(seed) });
  }
  let state = Math.trunc(seed) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number): number => {
    if (!(shape > 0)) throw new NoiseClassifierError('E_CONFIG', 'Gamma shape must be positive', { field: 'shape', expected: 'a number > 0', received: describeValue(shape) });
    if (shape < 1) {
      // Gamma(a) = Gamma(a + 1) · U^(1/a).
      let u = 0;
      while (u === 0) u = next();
      return gamma(shape + 1) * u ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal,
    gamma,
    beta: (a, b) => {
      const x = gamma(a);
      const y = gamma(b);
      return x + y === 0 ? 0.5 : x / (x + y);
    },
  };
}

/** Options every augmentation accepts: a seed (pure: same seed, same output) or a shared Random to draw from. */
export interface RandomOptions {
  readonly seed?: number;
  readonly random?: Random;
}

export function resolveRandom(options: RandomOptions, what: string): Random {
  if (options.random) return options.random;
  if (options.seed === undefined) {
    throw new NoiseClassifierError('E_CONFIG', `${what} needs a seed or a Random`, {
      field: 'seed',
      expected: 'options.seed (a number) or options.random (from createRandom)',
      received: 'neither',
    });
  }
  return createRandom(options.seed);
}
