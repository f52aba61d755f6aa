import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/wasm-grad-kernels';

// Gradients of the kernels we register for wasm must match the cpu backend's (its own, reference kernels).
// Tolerance: float32 sums over a few hundred terms; measured errors are ~1e-7.
const TOLERANCE = 1e-5;

type Fn = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function values(shape: number[], seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

async function gradsOn(backend: string, f: Fn, a: number[], b: number[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const A = tf.tensor(values(a, 1), a);
  const B = tf.tensor(values(b, 2), b);
  const outShape = tf.tidy(() => f(A, B).shape);
  const weights = tf.tensor(values(outShape, 3), outShape);
  const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), weights)))([A, B]);
  const out = g.map((t) => t.dataSync() as Float32Array);
  tf.dispose([A, B, weights, ...g]);
  return out;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num = Math.max(num, Math.abs(actual[i]! - expected[i]!));
    den = Math.max(den, Math.abs(expected[i]!));
  }
  return num / den;
}

const cases: [string, Fn, number[], number[]][] = [];
for (const s of [1, 2]) {
  for (const p of ['same', 'valid'] as const) {
    cases.push([`conv2d 3×3 stride ${s} ${p}`, (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, p), [2, 9, 8, 3], [3, 3, 3, 4]]);
    cases.push([`conv2d 2×4 stride ${s} ${p}`, (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, p), [2, 7, 10, 2], [2, 4, 2, 3]]);
    cases.push([`depthwise 3×3 stride ${s} ${p}`, (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, p), [2, 9, 8, 3], [3, 3, 3, 1]]);
    cases.push([`depthwise 5×5 stride ${s} ${p}`, (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, p), [2, 10, 11, 4], [5, 5, 4, 1]]);
    cases.push([`depthwise multiplier 2 stride ${s} ${p}`, (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, p), [2, 10, 11, 2], [3, 3, 2, 2]]);
  }
}
cases.push(['max-pool 2×2 (broadcast gradient)', (x, w) => tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'), tf.sum(w)), [2, 8, 10, 3], [2]]);
cases.push(['batch norm over N,H,W (broadcast gradient, shared reductions)', (x, w) => {
  const m = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, m.mean, m.variance, tf.add(w, 1), tf.mul(w, 2), 1e-3);
}, [2, 8, 10, 3], [3]]);
cases.push(['sum and mean over leading axes', (x, w) => tf.add(tf.sum(tf.mul(x, 2), [0, 1]), tf.mean(tf.mul(x, tf.sum(w)), [0, 1, 2])), [3, 5, 4, 6], [2]]);

describe('wasm training kernels', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels(tf);
    await tf.setBackend('wasm');
  });

  it('registers the backward kernels wasm lacks', () => {
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });

  it.each(cases)('%s: gradients match the cpu backend', async (_name, f, a, b) => {
    const expected = await gradsOn('cpu', f, a, b);
    const actual = await gradsOn('wasm', f, a, b);
    for (let k = 0; k < expected.length; k++) {
      expect(relativeError(actual[k]!, expected[k]!)).toBeLessThan(TOLERANCE);
    }
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(values([2, 9, 8, 3], 5), [2, 9, 8, 3]);
    const w = tf.tensor(values([3, 3, 3, 1], 6), [3, 3, 3, 1]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
      tf.dispose(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
