import { describe, expect, it } from 'vitest';
import { NoiseClassifierError } from '@noise-classifier/config';
import { addNoise, createRandom, frequencyMask, mixup, randomGain, timeMask, timeShift, type Spectrogram } from '../src/index';
import { sine } from './io-helpers';

function spectrogram(bins: number, frames: number, seed = 1): Spectrogram {
  const r = createRandom(seed);
  return { data: Float32Array.from({ length: bins * frames }, () => -80 + 80 * r.next()), bins, frames };
}

function power(x: Float32Array): number {
  return x.reduce((s, v) => s + v * v, 0) / x.length;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NoiseClassifierError);
    return (e as NoiseClassifierError).code;
  }
  return 'none';
}

describe('createRandom', () => {
  it('same seed, same sequence; different seeds differ; uniform in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('normal, gamma and beta have the right moments (20 000 draws)', () => {
    const r = createRandom(7);
    const n = 20000;
    const normals = Array.from({ length: n }, () => r.normal());
    const m = normals.reduce((s, x) => s + x, 0) / n;
    const v = normals.reduce((s, x) => s + (x - m) ** 2, 0) / n;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
    for (const shape of [0.3, 1, 4]) {
      const g = Array.from({ length: n }, () => r.gamma(shape));
      expect(g.reduce((s, x) => s + x, 0) / n).toBeCloseTo(shape, 1);
    }
    // Beta(α, α): mean 1/2, variance 1 / (4(2α + 1)).
    for (const alpha of [0.2, 1, 5]) {
      const bs = Array.from({ length: n }, () => r.beta(alpha, alpha));
      const bm = bs.reduce((s, x) => s + x, 0) / n;
      const bv = bs.reduce((s, x) => s + (x - bm) ** 2, 0) / n;
      expect(bs.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(Math.abs(bm - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(bv - 1 / (4 * (2 * alpha + 1)))).toBeLessThan(0.01);
    }
  });

  it('rejects a non-finite seed', () => {
    expect(codeOf(() => createRandom(Number.NaN))).toBe('E_CONFIG');
  });
});

describe('SpecAugment masks', () => {
  const spec = spectrogram(16, 40);

  it('time mask: whole frames within bounds set to the value, the rest unchanged; deterministic', () => {
    for (let seed = 0; seed < 50; seed++) {
      const out = timeMask(spec, { maxWidth: 10, count: 2, seed, value: -100 });
      expect(out).toEqual(timeMask(spec, { maxWidth: 10, count: 2, seed, value: -100 }));
      const masked = new Set<number>();
      for (const { start, width } of out.masks) {
        expect(width).toBeGreaterThanOrEqual(0);
        expect(width).toBeLessThan(10);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(start + width).toBeLessThanOrEqual(40);
        for (let f = start; f < start + width; f++) masked.add(f);
      }
      for (let b = 0; b < 16; b++) {
        for (let f = 0; f < 40; f++) {
          const i = b * 40 + f;
          expect(out.data[i]).toBe(masked.has(f) ? -100 : spec.data[i]);
        }
      }
    }
    // The input is not modified.
    expect(spec.data).toEqual(spectrogram(16, 40).data);
  });

  it('frequency mask: whole bins, default value is the spectrogram mean', () => {
    const mean = spec.data.reduce((s, v) => s + v, 0) / spec.data.length;
    let sawMask = false;
    for (let seed = 0; seed < 30; seed++) {
      const out = frequencyMask(spec, { maxWidth: 6, seed });
      const { start, width } = out.masks[0]!;
      expect(start + width).toBeLessThanOrEqual(16);
      expect(width).toBeLessThan(6);
      for (let b = 0; b < 16; b++) {
        const inMask = b >= start && b < start + width;
        sawMask ||= inMask;
        for (let f = 0; f < 40; f++) expect(out.data[b * 40 + f]).toBeCloseTo(inMask ? mean : spec.data[b * 40 + f]!, 4);
      }
    }
    expect(sawMask).toBe(true);
  });

  it('different seeds give different masks; a mask wider than the axis is clamped', () => {
    const starts = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(timeMask(spec, { maxWidth: 10, seed }).masks)));
    expect(starts.size).toBeGreaterThan(10);
    const wide = frequencyMask(spec, { maxWidth: 1000, seed: 3, count: 5 });
    for (const m of wide.masks) expect(m.start + m.width).toBeLessThanOrEqual(16);
  });

  it('needs a seed; bad options are E_CONFIG; bad spectrograms E_BAD_AUDIO', () => {
    expect(codeOf(() => timeMask(spec, { maxWidth: 4 }))).toBe('E_CONFIG');
    expect(codeOf(() => timeMask(spec, { maxWidth: -1, seed: 1 }))).toBe('E_CONFIG');
    expect(codeOf(() => timeMask(spec, { maxWidth: 4, seed: 1, value: Number.NaN }))).toBe('E_CONFIG');
    expect(codeOf(() => timeMask({ data: new Float32Array(3), bins: 2, frames: 2 }, { maxWidth: 4, seed: 1 }))).toBe('E_BAD_AUDIO');
  });
});

describe('waveform augmentations', () => {
  const x = Float32Array.from(sine(440, 16000, 16000, 0.5));

  it('random gain: within the dB range, applied exactly, deterministic', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { samples, gainDb } = randomGain(x, { minDb: -6, maxDb: 6, seed });
      expect(gainDb).toBeGreaterThanOrEqual(-6);
      expect(gainDb).toBeLessThan(6);
      expect(10 * Math.log10(power(samples) / power(x))).toBeCloseTo(gainDb, 4);
      expect(randomGain(x, { minDb: -6, maxDb: 6, seed }).samples).toEqual(samples);
    }
    expect(codeOf(() => randomGain(x, { minDb: 6, maxDb: -6, seed: 1 }))).toBe('E_CONFIG');
  });

  it('time shift, roll: a circular shift by the reported amount', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { samples, shift } = timeShift(x, { maxShift: 800, seed });
      expect(Math.abs(shift)).toBeLessThanOrEqual(800);
      for (const i of [0, 1, 5000, 15999]) expect(samples[(((i + shift) % 16000) + 16000) % 16000]).toBe(x[i]);
    }
  });

  it('time shift, pad: shifted-in samples are zero, nothing wraps', () => {
    const ramp = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    for (let seed = 0; seed < 20; seed++) {
      const { samples, shift } = timeShift(ramp, { maxShift: 30, mode: 'pad', seed });
      for (let i = 0; i < 100; i++) {
        const src = i - shift;
        expect(samples[i]).toBe(src >= 0 && src < 100 ? ramp[src] : 0);
      }
    }
  });

  it('additive white noise: measured SNR equals the requested SNR', () => {
    for (const snrDb of [-5, 0, 10, 30]) {
      const { samples } = addNoise(x, { snrDb, seed: snrDb + 100 });
      const noise = samples.map((v, i) => v - x[i]!);
      expect(10 * Math.log10(power(x) / power(noise))).toBeCloseTo(snrDb, 2);
    }
    expect(addNoise(x, { snrDb: 10, seed: 1 }).samples).toEqual(addNoise(x, { snrDb: 10, seed: 1 }).samples);
    expect(addNoise(x, { snrDb: 10, seed: 1 }).samples).not.toEqual(addNoise(x, { snrDb: 10, seed: 2 }).samples);
  });

  it('given noise (shorter than the signal, looped): measured SNR equals the request', () => {
    const noise = Float32Array.from(sine(3000, 16000, 1234, 0.1));
    const { samples } = addNoise(x, { snrDb: 6, noise, seed: 9 });
    const added = samples.map((v, i) => v - x[i]!);
    expect(10 * Math.log10(power(x) / power(added))).toBeCloseTo(6, 2);
  });

  it('silent signal is returned unchanged; silent noise is an error; NaN input is E_BAD_AUDIO', () => {
    expect(addNoise(new Float32Array(10), { snrDb: 10, seed: 1 }).samples).toEqual(new Float32Array(10));
    expect(codeOf(() => addNoise(x, { snrDb: 10, seed: 1, noise: new Float32Array(5) }))).toBe('E_BAD_AUDIO');
    expect(codeOf(() => randomGain(Float32Array.from([0, Number.NaN]), { minDb: 0, maxDb: 1, seed: 1 }))).toBe('E_BAD_AUDIO');
  });
});

describe('mixup', () => {
  const a = { input: Float32Array.from([1, 1, 1]), label: 0 };
  const b = { input: Float32Array.from([0, 2, 4]), label: 2 };

  it('mixes inputs and one-hot labels with the same λ ∈ [0, 1]; deterministic', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { input, label, lambda } = mixup(a, b, { alpha: 0.4, numClasses: 3, seed });
      expect(lambda).toBeGreaterThanOrEqual(0);
      expect(lambda).toBeLessThanOrEqual(1);
      expect(input[0]).toBeCloseTo(lambda, 6);
      expect(input[2]).toBeCloseTo(lambda + 4 * (1 - lambda), 5);
      expect(label[0]).toBeCloseTo(lambda, 6);
      expect(label[1]).toBe(0);
      expect(label[0]! + label[2]!).toBeCloseTo(1, 6);
      expect(mixup(a, b, { alpha: 0.4, numClasses: 3, seed }).lambda).toBe(lambda);
    }
  });

  it('small α gives mostly one-sided mixes (λ near 0 or 1)', () => {
    const lambdas = Array.from({ length: 2000 }, (_, seed) => mixup(a, b, { alpha: 0.1, numClasses: 3, seed }).lambda);
    const extreme = lambdas.filter((l) => l < 0.1 || l > 0.9).length / lambdas.length;
    expect(extreme).toBeGreaterThan(0.7);
  });

  it('accepts label vectors; rejects mismatched shapes and bad labels', () => {
    const soft = mixup({ input: a.input, label: Float32Array.from([0.5, 0.5]) }, { input: b.input, label: Float32Array.from([0, 1]) }, { alpha: 1, seed: 1 });
    expect(soft.label[0]! + soft.label[1]!).toBeCloseTo(1, 6);
    expect(codeOf(() => mixup(a, { input: new Float32Array(2), label: 1 }, { alpha: 1, numClasses: 3, seed: 1 }))).toBe('E_BAD_AUDIO');
    expect(codeOf(() => mixup(a, b, { alpha: 1, seed: 1 }))).toBe('E_LABEL');
    expect(codeOf(() => mixup(a, { input: b.input, label: 3 }, { alpha: 1, numClasses: 3, seed: 1 }))).toBe('E_LABEL');
    expect(codeOf(() => mixup(a, b, { alpha: 0, numClasses: 3, seed: 1 }))).toBe('E_CONFIG');
  });
});
