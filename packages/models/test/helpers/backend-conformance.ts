/*
 * One conformance suite for every InferenceBackend (tfjs here, onnxruntime-node in runtime-node,
 * onnxruntime-web in runtime-web). Each backend runs the same networks on the same inputs and must reproduce
 * the logits that tfjs itself computes (`model.predict` on NHWC data transposed by hand, independently of
 * any backend code) within TOLERANCE.
 *
 * TOLERANCE: 1e-4 on logits is the bar for "same outputs". float32 kernels differ in summation order
 * (ORT's MLAS vs tfjs's JS kernels, folded vs unfolded batch norm); after ~50 layers that leaves
 * differences around 1e-6..1e-5 on logits of magnitude ~1, so 1e-4 still catches a wrong transpose, pad or
 * weight layout (those give errors of order 1e-1 and more).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type * as Tf from '@tensorflow/tfjs';
import { isNoiseClassifierError } from '@noise-classifier/config';
import {
  buildModel,
  calibrateBatchNorm,
  createModelMetadata,
  exportOnnx,
  loadTf,
  type InferenceBackend,
  type InferenceSession,
  type ModelSource,
} from '../../src/index';

export const TOLERANCE = 1e-4;
export const BATCH_SIZES = [1, 16] as const;

/** One network in both formats, with reference logits for each batch size. */
export interface ConformanceModel {
  readonly architecture: string;
  /** [channels, height, width] */
  readonly inputShape: readonly [number, number, number];
  readonly tfjs: Tf.LayersModel;
  readonly onnx: Uint8Array;
  /** NCHW inputs (batch 16) and tfjs's logits for them; batch 1 uses the first sample. */
  readonly input16: Float32Array;
  readonly logits16: Float32Array;
  readonly numClasses: number;
}

/** Deterministic inputs shaped like standardised log-mel patches (mean 0, spread ~1). */
export function seededInput(length: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 3.4 - 1.7;
  }
  return out;
}

/** NCHW → NHWC with plain loops: the reference must not share code with any backend's transpose. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = data[((b * c + ch) * h + y) * w + x]!;
  return out;
}

const cache = new Map<string, Promise<ConformanceModel>>();

/**
 * Builds (once per test file) an untrained, batch-norm-calibrated network, its ONNX export and the reference
 * logits. Calibration matters: with initial statistics B0's logits are ~1e-13 and any tolerance passes.
 */
export function conformanceModel(architecture: string, inputChannels: 1 | 3 = 1): Promise<ConformanceModel> {
  const key = `${architecture}/${inputChannels}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const pending = (async () => {
    const tf = await loadTf();
    // tfjs's wasm backend (XNNPACK) is ~20x faster than its pure-JS cpu backend; the reference does not depend on it.
    await import('@tensorflow/tfjs-backend-wasm');
    if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend unavailable');
    const modelConfig = { architecture, inputChannels };
    const tfjs = await buildModel(modelConfig, {}, { seed: 7 });
    calibrateBatchNorm(tfjs, tf, { batches: 1, batchSize: 4, seed: 3 });
    const onnx = exportOnnx(tfjs, createModelMetadata({ modelConfig, featureConfig: {}, untrained: true }));
    const [, h, w, c] = tfjs.inputs[0]?.shape ?? [];
    if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') throw new Error(`${architecture}: input shape is not fixed NHWC`);
    const shape = [16, c, h, w] as const;
    const input16 = seededInput(16 * c * h * w, 11);
    const out = tf.tidy(() => tfjs.predict(tf.tensor4d(nchwToNhwc(input16, shape), [16, h, w, c])) as Tf.Tensor);
    const logits16 = (await out.data()) as Float32Array;
    const numClasses = out.shape[1] as number;
    out.dispose();
    return { architecture, inputShape: [c, h, w] as const, tfjs, onnx, input16, logits16, numClasses };
  })();
  cache.set(key, pending);
  return pending;
}

export interface ConformanceOptions {
  /** Makes a fresh backend (each suite initialises its own). */
  readonly backend: () => InferenceBackend;
  /** Which file the backend opens: the ONNX export or the tfjs model. */
  readonly source: (model: ConformanceModel) => ModelSource;
  /** Architectures to check; default cnn_small and efficientnet_b0. */
  readonly architectures?: readonly string[];
  readonly numThreads?: number;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); // b shorter: NaN, which fails the bound
  return m;
}

/** Registers the conformance tests (call at the top level of a test file). */
export function runBackendConformance(options: ConformanceOptions): void {
  const architectures = options.architectures ?? ['cnn_small', 'efficientnet_b0'];
  const backend = options.backend();

  describe(`backend conformance: ${backend.name}`, () => {
    beforeAll(async () => {
      await backend.init();
    });

    for (const architecture of architectures) {
      describe(architecture, () => {
        let model: ConformanceModel;
        let session: InferenceSession;
        beforeAll(async () => {
          model = await conformanceModel(architecture);
          session = await backend.createSession(options.source(model), { numThreads: options.numThreads });
        }, 240_000);
        afterAll(async () => {
          await session?.dispose();
        });

        it('the reference is numerically sane (not vanishing, finite)', () => {
          const peak = model.logits16.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          expect(model.logits16.every(Number.isFinite)).toBe(true);
          expect(peak).toBeGreaterThan(1e-2);
        });

        for (const batch of BATCH_SIZES) {
          it(`batch ${batch}: logits match tfjs within ${TOLERANCE}`, async () => {
            const [c, h, w] = model.inputShape;
            const input = model.input16.subarray(0, batch * c * h * w);
            const out = await session.run(input, [batch, c, h, w]);
            expect(out.batch).toBe(batch);
            expect(out.numClasses).toBe(model.numClasses);
            expect(out.logits.length).toBe(batch * model.numClasses);
            const diff = maxAbsDiff(out.logits, model.logits16.subarray(0, batch * model.numClasses));
            expect(diff).toBeLessThanOrEqual(TOLERANCE);
          }, 120_000);
        }

        it('reuses one session: two runs give the same, independent outputs', async () => {
          const [c, h, w] = model.inputShape;
          const input = model.input16.subarray(0, 2 * c * h * w);
          const first = await session.run(input, [2, c, h, w]);
          const kept = Float32Array.from(first.logits);
          first.logits.fill(Number.NaN); // a caller scribbling on its result must not affect the next run
          const second = await session.run(input, [2, c, h, w]);
          expect(maxAbsDiff(second.logits, kept)).toBeLessThanOrEqual(1e-6);
          expect(maxAbsDiff(second.logits, model.logits16.subarray(0, 2 * model.numClasses))).toBeLessThanOrEqual(TOLERANCE);
        }, 120_000);

        it('rejects an input whose size or channels do not fit', async () => {
          const [c, h, w] = model.inputShape;
          await expect(session.run(new Float32Array(c * h * w - 1), [1, c, h, w])).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH', field: 'input' });
          await expect(session.run(new Float32Array(2 * h * w * (c + 1)), [2, c + 1, h, w])).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH' });
        }, 60_000);

        it('dispose: a disposed session refuses to run (E_DISPOSED); disposing twice is fine', async () => {
          const [c, h, w] = model.inputShape;
          const own = await backend.createSession(options.source(model), { numThreads: options.numThreads });
          await own.run(model.input16.subarray(0, c * h * w), [1, c, h, w]);
          await own.dispose();
          const error = await own.run(model.input16.subarray(0, c * h * w), [1, c, h, w]).catch((e: unknown) => e);
          expect(isNoiseClassifierError(error, 'E_DISPOSED')).toBe(true);
          await expect(own.dispose()).resolves.toBeUndefined();
        }, 120_000);
      });
    }
  });
}
