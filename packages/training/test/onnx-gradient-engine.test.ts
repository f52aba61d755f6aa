import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildModel, type OrtModuleLike } from '@noise-classifier/models';
import { buildTrainingGraph } from '../src/graph/training-graph';
import * as ortModule from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxGradientEngine } from '../src/onnx-gradient-engine';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { NoiseDataset, NoiseClassifierService, generateSyntheticClip, createPrng } from '@noise-classifier/pipelines';
import { loadOnnxRuntimeNode, onnxRuntimeGradientEngine } from '../src/node/onnx-gradient-engine';
import { serviceTrainer } from '../src/recipe/service-trainer';
import { untrainedOnnx } from './helpers/untrained-model';
import { fineTune } from '../src/fine-tune';
import { Trainer, batchGradients, readWeights, writeWeights, type Batch } from '../src/trainer';
import { examplesSource, type TrainingExamples } from '../src/window-source';
import { selectTrainingBackend } from '../src/training-backend';

// The ONNX training graph must reproduce tfjs's own training step: loss, every gradient and the batch-norm
// moving-statistics update, for the architectures we train. Float32 sums in different orders: ≤ 1e-4 relative.
const TOLERANCE = 1e-4;
// onnxruntime-node's overloaded `create` is wider than the structural view the engine needs.
const ort = ortModule as unknown as OrtModuleLike;

function randomBatch(n: number, size: number, classes: number, seed: number, channels = 1): Batch {
  const prng = createPrng(seed);
  const x = Float32Array.from({ length: n * size * size * channels }, () => 3 * prng.normal() - 2);
  const y = new Float32Array(n * classes);
  const hard = new Int32Array(n);
  const w = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    // Soft targets (as mixup makes them) and unequal loss weights.
    const a = b % classes;
    const c = (b + 1) % classes;
    y[b * classes + a] = 0.7;
    y[b * classes + c]! += 0.3;
    hard[b] = a;
    w[b] = (1 + b) / ((n * (n + 1)) / 2);
  }
  return { x, y, w, hard, size: n };
}

async function model(architecture: string, size: number, classes = 5, inputChannels: 1 | 3 = 1): Promise<tf.LayersModel> {
  return buildModel(
    { architecture, numClasses: classes, labels: Array.from({ length: classes }, (_, i) => `c${i}`), dropout: 0, stochasticDepthRate: 0, inputChannels },
    { nMels: size, spectrogramHeight: size, spectrogramWidth: size, nMfcc: Math.min(size, 40) },
    { tf, seed: 3 },
  );
}

function movingStats(m: tf.LayersModel): Map<string, Float32Array> {
  return new Map(m.weights.filter((w) => /moving_/.test(w.originalName)).map((w) => [w.originalName, (w.read().dataSync() as Float32Array).slice()]));
}

/**
 * One step of each engine from the same weights. Sizes keep every batch norm over ≥ 8 values per channel: with
 * two samples at 1×1 pixels, x − mean is a difference of two near-equal numbers divided by a tiny standard
 * deviation, and float32 rounding (not the method) makes the engines disagree.
 */
async function compare(architecture: string, n: number, size: number, channels: 1 | 3 = 1): Promise<{ gradError: number; lossError: number; statsError: number; count: number }> {
  const m = await model(architecture, size, 5, channels);
  const initial = readWeights(m);
  const batch = randomBatch(n, size, 5, 11, channels);
  const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const expected = batchGradients(tf, m, variables, batch, 1);
  const expectedStats = movingStats(m);
  writeWeights(tf, m, initial);
  const engine = await createOnnxGradientEngine(m, { ort, tf, threads: 1 });
  const actual = await engine.compute(batch, 1);
  await engine.dispose();
  // Relative L2 error per tensor. A batch norm's β feeding a linear conv + batch norm has an analytically zero
  // gradient (the next batch norm removes any shift); both engines return rounding noise there (~1e-8 of the
  // largest gradient norm), so tensors below 1e-3 of the largest gradient norm are compared against that instead.
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const scale = Math.max(...Object.values(expected.grads).map((g) => norm(g.dataSync() as Float32Array)));
  let gradError = 0;
  for (const [name, g] of Object.entries(expected.grads)) {
    const a = actual.grads[name];
    expect(a, name).toBeDefined();
    const e = g.dataSync() as Float32Array;
    const diff = norm((a!.dataSync() as Float32Array).map((v, i) => v - e[i]!));
    gradError = Math.max(gradError, diff / Math.max(norm(e), 1e-3 * scale));
  }
  // Same measure for the moving statistics (means after a 1×1 conv of batch-normed data are analytically zero).
  const statsScale = Math.max(...[...expectedStats.values()].map(norm));
  let statsError = 0;
  for (const [name, v] of movingStats(m)) {
    const e = expectedStats.get(name)!;
    statsError = Math.max(statsError, norm(v.map((x, i) => x - e[i]!)) / Math.max(norm(e), 1e-3 * statsScale));
  }
  const count = Object.keys(expected.grads).length;
  expect(Object.keys(actual.grads).length).toBe(count);
  tf.dispose([...Object.values(expected.grads), ...Object.values(actual.grads)]);
  m.dispose();
  return { gradError, lossError: Math.abs(actual.loss - expected.loss) / Math.abs(expected.loss), statsError, count };
}

/** 16×16 windows; class 0: horizontal stripes, 1: vertical stripes, 2: checkerboard, 3: noise only. */
function patterns(count: number, classes: number, seed: number): TrainingExamples {
  const prng = createPrng(seed);
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    const pattern = (r: number, c: number) => [r % 2, c % 2, (r + c) % 2, 0][k]!;
    inputs.push(Float32Array.from({ length: 256 }, (_, p) => 0.7 * prng.normal() + pattern(p >> 4, p & 15)));
    labels.push(k);
  }
  return { inputs, labels, classNames: Array.from({ length: classes }, (_, k) => `band_${k}`), inputShape: [1, 16, 16] };
}

function bandModel(dropout: number): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 1] });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: 'drop' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const runConfig = { numEpochs: 6, batchSize: 8, learningRate: 2e-2, weightDecay: 1e-4, earlyStoppingPatience: 0, device: 'wasm', seed: 5 } as const;

async function shortRun(engine: 'tfjs' | 'onnxruntime', dropout: number) {
  const m = bandModel(dropout);
  const trainer = new Trainer(m, runConfig, {
    tf,
    ...(engine === 'onnxruntime' ? { createGradientEngine: (model: tf.LayersModel) => createOnnxGradientEngine(model, { ort, tf, threads: 1 }) } : {}),
  });
  const result = await trainer.fit(examplesSource(patterns(48, 4, 9)), null);
  trainer.dispose();
  m.dispose();
  return result;
}

describe('ONNX training graph and onnxruntime gradient engine', () => {
  beforeAll(async () => {
    expect(await selectTrainingBackend(tf, 'wasm')).toBe('wasm');
  });

  it('cnn_small: loss, gradients and moving statistics equal tfjs training mode', async () => {
    const r = await compare('cnn_small', 2, 32);
    expect(r.count).toBe(14);
    expect(r.lossError).toBeLessThan(TOLERANCE);
    expect(r.gradError).toBeLessThan(TOLERANCE);
    expect(r.statsError).toBeLessThan(TOLERANCE);
  });

  it('three input channels: the engine reorders the NHWC batch into the graph\'s NCHW input', async () => {
    const r = await compare('cnn_small', 2, 32, 3);
    expect(r.lossError).toBeLessThan(TOLERANCE);
    expect(r.gradError).toBeLessThan(TOLERANCE);
  });

  it('efficientnet_b0: loss, gradients and moving statistics equal tfjs training mode', async () => {
    const r = await compare('efficientnet_b0', 2, 64);
    expect(r.count).toBeGreaterThan(200);
    expect(r.lossError).toBeLessThan(TOLERANCE);
    expect(r.gradError).toBeLessThan(TOLERANCE);
    expect(r.statsError).toBeLessThan(TOLERANCE);
  }, 60_000);

  it('loading onnxruntime-node: the real module loads; not installed → E_RUNTIME_MISSING, a broken binary → E_RUNTIME_FAILED', async () => {
    expect(typeof (await loadOnnxRuntimeNode()).InferenceSession.create).toBe('function');
    const missing = Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadOnnxRuntimeNode(() => Promise.reject(missing))).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING' });
    await expect(loadOnnxRuntimeNode(() => Promise.reject(new Error('invalid ELF header')))).rejects.toMatchObject({ code: 'E_RUNTIME_FAILED' });
  });

  it('an unsupported layer is E_MODEL_FORMAT naming it', () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const lstmish = tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c' }).apply(input) as tf.SymbolicTensor;
    const odd = tf.layers.upSampling2d({ name: 'odd_upsample' }).apply(lstmish) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(odd) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    expect(() => buildTrainingGraph(m)).toThrowError(expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringContaining('odd_upsample') }));
    m.dispose();
  });

  it('a short training run follows the same loss curve with either engine (no dropout) and learns with dropout masks', async () => {
    const viaTfjs = await shortRun('tfjs', 0);
    const tensorsBefore = tf.memory().numTensors;
    const viaOnnx = await shortRun('onnxruntime', 0);
    // Nothing leaks per step: gradients, moving-statistic updates and the model are all released.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const withDropout = await shortRun('onnxruntime', 0.3);
    expect(viaTfjs.engine).toBe('tfjs-wasm');
    expect(viaOnnx.engine).toBe('onnxruntime (1 thread)');
    const first = viaOnnx.history.trainLoss[0]!;
    const last = viaOnnx.history.trainLoss.at(-1)!;
    expect(last).toBeLessThan(first * 0.5);
    viaTfjs.history.trainLoss.forEach((l, i) => expect(Math.abs(viaOnnx.history.trainLoss[i]! - l) / l).toBeLessThan(1e-3));
    expect(withDropout.history.trainLoss.at(-1)!).toBeLessThan(withDropout.history.trainLoss[0]! * 0.7);
  }, 30_000);

  it('fineTune with a frozen backbone trains only the head through the engine', async () => {
    const base = bandModel(0);
    const examples = patterns(24, 4, 3);
    const two: TrainingExamples = {
      inputs: examples.inputs.filter((_, i) => (examples.labels[i] as number) < 2),
      labels: examples.labels.filter((l) => (l as number) < 2),
      classNames: ['a', 'b'],
      inputShape: [1, 16, 16],
    };
    const result = await fineTune(base, ['a', 'b'], two, {
      tf, training: { numEpochs: 3, batchSize: 8, seed: 1 },
      createGradientEngine: (model) => createOnnxGradientEngine(model, { ort, tf, threads: 1 }),
    });
    expect(result.engine).toBe('onnxruntime (1 thread)');
    expect(result.history.trainLoss).toHaveLength(3);
    expect(result.history.trainLoss.every(Number.isFinite)).toBe(true);
    result.model.dispose(); // shares the backbone's layers with base
  });

  it('odd sizes, valid padding, strides 2, zero padding and 1×1 stride-2 convs: both kernel-gradient forms equal tfjs', async () => {
    // 15×13 input: strided 'valid' layers leave rows/columns the kernel never reaches (output_padding, trimming).
    const input = tf.input({ shape: [15, 13, 2] });
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    let x = tf.layers.zeroPadding2d({ padding: [[1, 0], [0, 2]], name: 'zp' }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', kernelInitializer: init(1), name: 'c_valid_s2', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.depthwiseConv2d({ kernelSize: [3, 2], strides: 2, padding: 'valid', depthwiseInitializer: init(2), name: 'dw_valid_s2' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 6, kernelSize: 1, strides: 2, padding: 'same', kernelInitializer: init(3), name: 'c_1x1_s2' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: 'sigmoid', name: 'sig' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init(4), name: 'dw_same_s1' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, kernelInitializer: init(5), name: 'logits' }).apply(x) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    const prng = createPrng(4);
    const n = 3;
    const batch: Batch = {
      x: Float32Array.from({ length: n * 15 * 13 * 2 }, () => prng.normal()),
      y: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0.5, 0.5]),
      w: Float32Array.from([0.2, 0.3, 0.5]), hard: Int32Array.from([0, 1, 2]), size: n,
    };
    const initial = readWeights(m);
    const expected = batchGradients(tf, m, m.trainableWeights.map((v) => v.read() as tf.Variable), batch, 1);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((acc, e) => acc + e * e, 0));
    // dw_valid_s2's bias feeds a 1×1 conv and a batch norm, which removes any shift: its gradient is analytically
    // zero (rounding noise in both engines), so it is compared against the largest gradient norm as above.
    const scale = Math.max(...Object.values(expected.grads).map((g) => norm(g.dataSync() as Float32Array)));
    for (const filterGradient of [{ conv: 'im2col', depthwise: 'grouped-conv' }, { conv: 'transposed-conv', depthwise: 'taps' }] as const) {
      writeWeights(tf, m, initial);
      const engine = await createOnnxGradientEngine(m, { ort, tf, threads: 1, filterGradient });
      const actual = await engine.compute(batch, 1);
      await engine.dispose();
      expect(Math.abs(actual.loss - expected.loss) / expected.loss).toBeLessThan(TOLERANCE);
      for (const [name, g] of Object.entries(expected.grads)) {
        const e = g.dataSync() as Float32Array;
        const a = actual.grads[name]!.dataSync() as Float32Array;
        expect(norm(a.map((v, i) => v - e[i]!)) / Math.max(norm(e), 1e-3 * scale), `${filterGradient.conv} ${name}`).toBeLessThan(TOLERANCE);
      }
      tf.dispose(Object.values(actual.grads));
    }
    tf.dispose(Object.values(expected.grads));
    m.dispose();
  });

  it('service.train learns with the Node onnxruntime engine and records the engine in the model metadata', async () => {
    const featureConfig = { sampleRate: 16_000, nFft: 1024, hopLength: 256, nMels: 32, nMfcc: 20, spectrogramHeight: 32, spectrogramWidth: 32 };
    const data = (seed: number, augment: boolean) => {
      const clips = (['white_noise', 'brown_noise'] as const).flatMap((kind, k) =>
        Array.from({ length: 6 }, (_, i) => generateSyntheticClip(kind, { seed: seed + 10 * k + i, sampleRate: 16_000, durationSeconds: 1.5 })));
      return new NoiseDataset(clips, clips.map((c) => c.label!), { featureConfig, augment, seed });
    };
    const service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime, trainer: serviceTrainer });
    const history = await service.train(data(1, true), data(100, false), { numEpochs: 6, batchSize: 4, learningRate: 1e-2, earlyStoppingPatience: 0, device: 'wasm', seed: 3 },
      { createGradientEngine: onnxRuntimeGradientEngine({ tf, threads: 1 }) });
    expect(history.trainLoss).toHaveLength(6);
    expect((service.metadata.trainingMetrics as { engine?: string }).engine).toBe('onnxruntime (1 thread)');
    const white = await service.classify(generateSyntheticClip('white_noise', { seed: 999, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
    const brown = await service.classify(generateSyntheticClip('brown_noise', { seed: 998, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
    expect([white.predictedClass, brown.predictedClass]).toEqual(['white_noise', 'brown_noise']);
    await service.dispose();
  }, 60_000);
});
