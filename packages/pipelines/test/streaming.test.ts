import { nodeRuntime } from '@noise-classifier/runtime-node';
import { resample } from '@noise-classifier/features';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioFeatureConfig } from '@noise-classifier/config';
import { createFrontEnd } from '../src/core/create-front-end';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { LabelDebouncer } from '../src/streaming/label-debouncer';
import { StreamResampler } from '../src/streaming/stream-resampler';
import { StreamingClassifier } from '../src/streaming/streaming-classifier';
import { createPrng } from '../src/synthetic/prng';
import { generateSyntheticClip } from '../src/synthetic/synthetic-clips';
import { untrainedOnnx } from './helpers/untrained-model';

/** Pushes `x` in random chunk sizes (1…4000 samples). */
function chunks(x: Float32Array, seed: number): Float32Array[] {
  const prng = createPrng(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < x.length; ) {
    const n = 1 + prng.int(0, 4000 - 1);
    out.push(x.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('LabelDebouncer (N of M)', () => {
  it('changes the label only when another label wins n of the last m windows', () => {
    const d = new LabelDebouncer(2, 3);
    const seq = ['a', 'b', 'a', 'a', 'b', 'a', 'b', 'b', 'c', 'b'];
    // a: 1 win → null; b: no; a: 2 of 3 → a; a; b (1 of 3) → a; a; b (2 of 3: b,a,b) → b; b; c → b; b.
    expect(seq.map((l) => d.push(l))).toEqual([null, null, 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
    const strict = new LabelDebouncer(3, 4);
    expect(['x', 'y', 'x', 'x', 'y', 'y', 'x', 'y', 'y'].map((l) => strict.push(l))).toEqual([null, null, null, 'x', 'x', 'x', 'x', 'y', 'y']);
    expect(() => new LabelDebouncer(4, 3)).toThrow(/debounce.n/);
  });
});

describe('StreamResampler', () => {
  it('matches whole-signal resampling for any chunking (no clicks at chunk edges)', () => {
    for (const [from, to] of [
      [44_100, 48_000],
      [16_000, 48_000],
      [48_000, 22_050],
    ] as const) {
      const x = generateSyntheticClip('pink_noise', { seed: 2, sampleRate: from, durationSeconds: 1.3 }).samples;
      const whole = resample(x, from, to);
      const r = new StreamResampler(from, to, resample);
      const parts = chunks(x, from).map((c) => r.push(c));
      parts.push(r.flush());
      const streamed = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        streamed.set(p, o);
        o += p.length;
      }
      expect(streamed.length).toBe(whole.length);
      let maxDiff = 0;
      for (let i = 0; i < whole.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole[i]! - streamed[i]!));
      // Same filter taps on the same samples: only float32 summation differences remain.
      expect(maxDiff).toBeLessThan(1e-5);
    }
  });
});

describe('StreamingClassifier', () => {
  let service: NoiseClassifierService;
  beforeAll(async () => {
    service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime });
  }, 120_000);
  afterAll(() => service?.dispose());

  it('emits one result per hop whose probabilities equal classifying that window alone', async () => {
    const x = generateSyntheticClip('white_noise', { seed: 4, durationSeconds: 4 }).samples;
    const stream = service.createStream({ hopSeconds: 0.5, debounce: { n: 1, m: 1 } });
    const results = [];
    for (const c of chunks(x, 1)) results.push(...(await stream.push(c)));
    // Window = 127 × 512 samples ≈ 1.355 s; starts every 0.5 s while the window fits in 4 s → 6 windows.
    expect(results.map((r) => r.startSeconds)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    for (const r of results.slice(0, 3)) {
      const i0 = Math.round(r.startSeconds * 48_000);
      const alone = await service.classify(x.slice(i0, i0 + 127 * 512), 48_000);
      service.labels.forEach((label, k) => expect(r.probabilities[k]).toBeCloseTo(alone.probabilities[label]!, 5));
      expect(r.label).toBe(r.windowLabel);
    }
    const tail = await stream.end();
    expect(tail.length).toBe(1);
    await expect(stream.push(new Float32Array(10))).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  it('resamples a 44.1 kHz stream continuously and reports the debounced label', async () => {
    const x = generateSyntheticClip('pink_noise', { seed: 5, sampleRate: 44_100, durationSeconds: 5 }).samples;
    const stream = service.createStream({ sampleRate: 44_100 });
    const results = [];
    for (const c of chunks(x, 2)) results.push(...(await stream.push(c)));
    await expect(stream.push([0, Infinity])).rejects.toThrow(/chunk\[1\]/);
    results.push(...(await stream.end()));
    expect(results.length).toBeGreaterThanOrEqual(6);
    // Default 2-of-3: nothing is reported before the second window.
    expect(results[0]!.label).toBeNull();
    for (const r of results) {
      expect(Number.isFinite(r.confidence)).toBe(true);
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('rejects a window predictor that does not answer one probability per label and window', async () => {
    const frontEnd = await createFrontEnd(createAudioFeatureConfig({}));
    const oneValuePerWindow = { labels: ['a', 'b'], predictWindows: async (batch: { count: number }) => new Float32Array(batch.count) };
    const stream = new StreamingClassifier(oneValuePerWindow, frontEnd);
    const x = generateSyntheticClip('white_noise', { seed: 6, durationSeconds: 2 }).samples;
    await expect(stream.push(x)).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH', field: 'probabilities' });
  });
});
