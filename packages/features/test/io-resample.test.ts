import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NoiseClassifierError } from '@noise-classifier/config';
import { resample } from '../src/index';
import { rms, sine } from './io-helpers';

const dir = fileURLToPath(new URL('./fixtures/resample/', import.meta.url));
const index = JSON.parse(readFileSync(`${dir}index.json`, 'utf8')) as {
  cases: { name: string; fromRate: number; toRate: number; options: Record<string, unknown>; outputLength: number }[];
};
const f32 = (name: string) => {
  const b = readFileSync(dir + name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('resample: torchaudio.functional.resample reference outputs', () => {
  for (const c of index.cases) {
    it(`${c.name}: same length as torchaudio 0.13; within 1e-6 of its float64 run, 2e-5 of its float32 run`, () => {
      const input = f32(`${c.name}.in.f32`);
      const actual = resample(input, c.fromRate, c.toRate, c.options);
      const maxDiff = (expected: Float32Array) => {
        expect(actual.length).toBe(expected.length);
        let m = 0;
        for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i]! - expected[i]!));
        return m;
      };
      // We compute the kernel and sum in float64 and round once, so we agree with torchaudio's float64 run to
      // float32 output rounding (peaks are about 1.3). torchaudio's float32 run builds its kernel in float32;
      // it differs from its own float64 run by up to about 1e-5, and so from us.
      expect(maxDiff(f32(`${c.name}.out64.f32`))).toBeLessThan(1e-6);
      expect(maxDiff(f32(`${c.name}.out.f32`))).toBeLessThan(2e-5);
    });
  }
});

describe('resample: properties', () => {
  const pairs: [number, number][] = [
    [8000, 48000],
    [22050, 48000],
    [44100, 48000],
    [44101, 48000],
    [96000, 48000],
    [192000, 48000],
    [384000, 48000],
    [48000, 8000],
  ];

  for (const [from, to] of pairs) {
    it(`${from} → ${to} Hz: length is ceil(n·to/from); a tone below both Nyquists keeps its amplitude`, () => {
      const n = Math.round(from * 0.25) + 7;
      const out = resample(sine(1000, from, n, 0.5), from, to);
      expect(out.length).toBe(Math.ceil((n * to) / from));
      // Away from the edges (zero padding) the tone's RMS is 0.5/√2 within 0.1 %.
      const edge = Math.ceil(to * 0.01);
      expect(rms(out, edge, out.length - edge)).toBeCloseTo(0.5 / Math.SQRT2, 3);
    });
  }

  it('content above the new Nyquist frequency is attenuated (44.1 kHz → 16 kHz, a 12 kHz tone)', () => {
    const out = resample(sine(12000, 44100, 44100, 0.5), 44100, 16000);
    // More than 50 dB down (torchaudio's 6-zero-crossing Hann sinc gives about 55 dB here).
    expect(rms(out, 200, out.length - 200)).toBeLessThan((0.5 / Math.SQRT2) * 10 ** (-50 / 20));
  });

  it('the pass band is flat to half the new Nyquist and rolls off before it (a short filter, as in torchaudio)', () => {
    const gain = (f: number) => rms(resample(sine(f, 44100, 44100, 0.5), 44100, 16000), 200, 15800) / (0.5 / Math.SQRT2);
    expect(gain(4000)).toBeGreaterThan(0.99);
    expect(gain(4000)).toBeLessThan(1.01);
    expect(gain(7200)).toBeLessThan(gain(4000));
    expect(gain(7200)).toBeGreaterThan(0.5);
  });

  it('equal rates copy; empty input gives empty output; Float64Array and number[] inputs work', () => {
    const x = Float32Array.from([0.1, 0.2, 0.3]);
    const same = resample(x, 16000, 16000);
    expect(same).toEqual(x);
    expect(same).not.toBe(x);
    expect(resample(new Float32Array(0), 8000, 48000).length).toBe(0);
    expect(resample([0.1, 0.2, 0.3], 8000, 16000)).toEqual(resample(Float64Array.from([0.1, 0.2, 0.3]), 8000, 16000));
  });

  it('the uncached path (taps computed per output) equals the cached phase table', () => {
    const x = sine(440, 44101, 2000, 0.7);
    const cached = resample(x, 44101, 48000);
    const direct = resample(x, 44101, 48000, { maxTableTaps: 0 });
    expect(direct).toEqual(cached);
  });

  it('rejects bad rates with E_SAMPLE_RATE naming the parameter', () => {
    for (const [from, to, field] of [
      [0, 48000, 'fromRate'],
      [-1, 48000, 'fromRate'],
      [44100.5, 48000, 'fromRate'],
      [500000, 48000, 'fromRate'],
      [44100, Number.NaN, 'toRate'],
    ] as const) {
      try {
        resample(new Float32Array(10), from, to);
        throw new Error('no error');
      } catch (error) {
        expect(error).toBeInstanceOf(NoiseClassifierError);
        expect((error as NoiseClassifierError).code).toBe('E_SAMPLE_RATE');
        expect((error as NoiseClassifierError).field).toBe(field);
      }
    }
  });
});
