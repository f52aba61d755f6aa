import * as ort from 'onnxruntime-node';
import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../src/tfjs-loader';

/**
 * Deterministic standard-normal NCHW input (mulberry32 + Box-Muller) so failures reproduce. Normal like the data
 * `calibrateBatchNorm` uses: random deep networks are chaotic, and inputs of another scale give huge logits.
 */
export function randomInput(shape: readonly [number, number, number, number], seed = 1): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return data;
}

/** Runs the tfjs model on NCHW data (transposed to its NHWC input). */
export function runTfjs(tf: TfModule, model: Tf.LayersModel, data: Float32Array, shape: readonly [number, number, number, number]): Float32Array {
  return tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor4d(data, [...shape]), [0, 2, 3, 1]);
    return (model.predict(nhwc) as Tf.Tensor).dataSync() as Float32Array;
  });
}

export async function runOrt(bytes: Uint8Array, data: Float32Array, shape: readonly [number, number, number, number]) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', data, [...shape]) });
    return {
      logits: out.logits!.data as Float32Array,
      probabilities: out.probabilities!.data as Float32Array,
      logitsDims: out.logits!.dims,
    };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function std(a: Float32Array): number {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
}
