import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Tf from '@tensorflow/tfjs';
import { buildEfficientAtMn, hardSwishLayer, loadEfficientAtWeights, loadTf, readSafetensors, type SafetensorsFile, type TfModule } from '@noise-classifier/models';
import { buildTrainingGraph, type TrainingGraph } from '../src/graph/training-graph';
import { MN04_WEIGHTS, readReference, referenceCases } from './helpers/efficientat-helpers';

let tf: TfModule;
let weights: SafetensorsFile;

beforeAll(async () => {
  // tfjs's cpu backend: the wasm backend has no Conv2DBackpropFilter kernel (pipelines registers its own for training).
  tf = await loadTf();
  await tf.setBackend('cpu');
  weights = readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS });
});

const FRAMES = 48;
const CLASSES = 5;

/** One crop of FRAMES frames from each reference mel (real log-mel statistics), as [N, 128, FRAMES]. */
function melBatch(): Float32Array {
  const out = new Float32Array(referenceCases.length * 128 * FRAMES);
  referenceCases.forEach((c, n) => {
    const mel = readReference(`${c.name}.mel.f32`);
    const frames = c.mel_shape[1];
    for (let band = 0; band < 128; band++) out.set(mel.subarray(band * frames + 100, band * frames + 100 + FRAMES), (n * 128 + band) * FRAMES);
  });
  return out;
}

interface StepResult {
  readonly loss: number;
  /** Gradient per tfjs weight name (tfjs layout). */
  readonly grads: Map<string, Float32Array>;
}

/** Σ w·CE(y, softmax(logits)) in tfjs training mode (batch statistics) and its gradients by tfjs's autodiff. */
function tfjsStep(model: Tf.LayersModel, x: Float32Array, y: Float32Array, w: Float32Array, trainable: Tf.LayerVariable[], training = true): StepResult {
  const n = w.length;
  const variables = trainable.map((v) => v.read() as Tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
    const logits = model.apply(tf.tensor4d(x, [n, 128, FRAMES, 1]), { training }) as Tf.Tensor;
    const ce = tf.neg(tf.sum(tf.mul(tf.tensor2d(y, [n, CLASSES]), tf.logSoftmax(logits)), 1));
    return tf.sum(tf.mul(ce, tf.tensor1d(w))) as Tf.Scalar;
  }), variables);
  const result = {
    loss: value.dataSync()[0]!,
    grads: new Map(trainable.map((v, i) => [v.originalName, grads[variables[i]!.name]!.dataSync() as Float32Array])),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

/** The same step through the ONNX training graph in onnxruntime-node. */
async function onnxStep(model: Tf.LayersModel, graph: TrainingGraph, x: Float32Array, y: Float32Array, w: Float32Array): Promise<StepResult> {
  const n = w.length;
  const byName = new Map(model.weights.map((v) => [v.originalName, v]));
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', x, [n, 1, 128, FRAMES]), // one channel: NHWC and NCHW share the memory order
    y: new ort.Tensor('float32', y, [n, CLASSES]),
    w: new ort.Tensor('float32', w, [n]),
  };
  for (const weight of graph.weights) {
    feeds[weight.name] = new ort.Tensor('float32', byName.get(weight.name)!.read().dataSync() as Float32Array, [...weight.shape]);
  }
  const session = await ort.InferenceSession.create(graph.bytes, { intraOpNumThreads: 1 });
  try {
    const out = await session.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const weight of graph.weights) if (weight.gradient) grads.set(weight.name, out[weight.gradient]!.data as Float32Array);
    return { loss: (out.loss!.data as Float32Array)[0]!, grads };
  } finally {
    await session.release();
  }
}

/**
 * Relative L2 error per tensor, the largest over all tensors. Tensors whose gradient is below 1e-3 of the largest
 * gradient norm (e.g. a batch norm's β before another batch norm: analytically zero, rounding noise in both
 * engines) are measured against that floor instead.
 */
function worstGradientError(expected: Map<string, Float32Array>, actual: Map<string, Float32Array>): { error: number; worst: string } {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  const floor = 1e-3 * Math.max(...[...expected.values()].map(norm));
  let error = 0;
  let worst = '';
  for (const [name, e] of expected) {
    const a = actual.get(name);
    if (a === undefined) return { error: Infinity, worst: name };
    const diff = norm(e.map((v, i) => v - a[i]!));
    const rel = diff / Math.max(norm(e), floor);
    if (rel > error) [error, worst] = [rel, name];
  }
  return { error, worst };
}

function targets(n: number) {
  const y = new Float32Array(n * CLASSES);
  const w = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    y[b * CLASSES + (b % CLASSES)] = 0.8; // soft targets, as mixup makes them
    y[b * CLASSES + ((b + 2) % CLASSES)] = 0.2;
    w[b] = (b + 1) / ((n * (n + 1)) / 2);
  }
  return { y, w };
}

describe('training graph of EfficientAT mn04 (pretrained backbone, new 5-class head)', () => {
  it('fine-tuning everything: loss and every gradient equal tfjs training mode', async () => {
    const model = buildEfficientAtMn(tf, { numClasses: CLASSES, inputShape: [128, FRAMES, 1], dropout: 0, seed: 4 });
    loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, newHead: true });
    const x = melBatch();
    const { y, w } = targets(referenceCases.length);
    const expected = tfjsStep(model, x, y, w, model.trainableWeights);
    const graph = buildTrainingGraph(model);
    expect(graph.weights.filter((v) => v.gradient !== undefined)).toHaveLength(model.trainableWeights.length);
    const actual = await onnxStep(model, graph, x, y, w);
    expect(Math.abs(actual.loss - expected.loss) / expected.loss).toBeLessThan(1e-4);
    const { error, worst } = worstGradientError(expected.grads, actual.grads);
    // Measured: ≤ 2e-5 on every tensor except the projection batch norms' β (the last block's output shift only reaches
    // the loss through the next linear conv + batch norm, which removes it: analytically zero, rounding noise, 1.6e-4).
    expect(error, worst).toBeLessThan(1e-3);
    // Not vacuous: the pretrained backbone gets real gradients.
    expect(Math.max(...(expected.grads.get('stem_conv/kernel') ?? []).map(Math.abs))).toBeGreaterThan(1e-6);
    model.dispose();
  }, 60_000);

  it('frozen backbone (head only): the graph outputs just the head gradients, equal to tfjs', async () => {
    const model = buildEfficientAtMn(tf, { numClasses: CLASSES, inputShape: [128, FRAMES, 1], dropout: 0, seed: 4 });
    loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, newHead: true });
    const head = ['classifier_hidden/kernel', 'classifier_hidden/bias', 'logits/kernel', 'logits/bias'];
    const graph = buildTrainingGraph(model, { trainable: head });
    expect(graph.weights.filter((v) => v.gradient !== undefined).map((v) => v.name)).toEqual(head);
    const x = melBatch();
    const { y, w } = targets(referenceCases.length);
    const expected = tfjsStep(model, x, y, w, model.trainableWeights.filter((v) => head.includes(v.originalName)));
    const actual = await onnxStep(model, graph, x, y, w);
    expect(Math.abs(actual.loss - expected.loss) / expected.loss).toBeLessThan(1e-4);
    const { error, worst } = worstGradientError(expected.grads, actual.grads);
    expect(error, worst).toBeLessThan(1e-4);
    model.dispose();
  }, 60_000);

  it('frozenBatchNorm: batch norms with fixed γ and β use their moving statistics, equal to tfjs inference mode', async () => {
    const model = buildEfficientAtMn(tf, { numClasses: CLASSES, inputShape: [128, FRAMES, 1], dropout: 0, seed: 4 });
    loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, newHead: true });
    // The last block's convolutions and the head train; every batch norm stays as pretrained.
    const trainable = ['block15_dw_conv/depthwise_kernel', 'block15_project_conv/kernel', 'head_conv/kernel', 'classifier_hidden/kernel', 'classifier_hidden/bias', 'logits/kernel', 'logits/bias'];
    const graph = buildTrainingGraph(model, { trainable, frozenBatchNorm: true });
    expect(graph.batchNorms).toEqual([]);
    expect(graph.weights.map((v) => v.name)).toContain('head_bn/moving_variance');
    const x = melBatch();
    const { y, w } = targets(referenceCases.length);
    const expected = tfjsStep(model, x, y, w, model.trainableWeights.filter((v) => trainable.includes(v.originalName)), false);
    const actual = await onnxStep(model, graph, x, y, w);
    expect(Math.abs(actual.loss - expected.loss) / expected.loss).toBeLessThan(1e-4);
    const { error, worst } = worstGradientError(expected.grads, actual.grads);
    expect(error, worst).toBeLessThan(1e-4);
    // Batch statistics would give another loss: the option changes what is computed.
    const batchMode = await onnxStep(model, buildTrainingGraph(model, { trainable }), x, y, w);
    expect(Math.abs(batchMode.loss - expected.loss) / expected.loss).toBeGreaterThan(1e-3);
    model.dispose();
  }, 60_000);

  it('hard swish and tfjs hardSigmoid: gradients equal tfjs on both sides of every kink', async () => {
    // A 1×1×12 "image" (training graphs take image input) flattened; x spans the linear, curved and flat parts.
    const input = tf.input({ shape: [1, 1, 12] });
    let h = tf.layers.reshape({ targetShape: [12], name: 'flat' }).apply(input) as Tf.SymbolicTensor;
    h = tf.layers.dense({ units: 12, name: 'spread', kernelInitializer: tf.initializers.randomNormal({ stddev: 3, seed: 2 }) }).apply(h) as Tf.SymbolicTensor;
    h = hardSwishLayer(tf, { name: 'hs' }).apply(h) as Tf.SymbolicTensor;
    h = tf.layers.dense({ units: 12, name: 'mix', activation: 'hardSigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 3, seed: 3 }) }).apply(h) as Tf.SymbolicTensor;
    const out = tf.layers.dense({ units: CLASSES, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h) as Tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const n = 16;
    const x = Float32Array.from({ length: n * 12 }, (_, i) => Math.sin(i * 12.9898) * 2);
    const { y, w } = targets(n);
    const variables = model.trainableWeights.map((v) => v.read() as Tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(x, [n, 1, 1, 12]), { training: true }) as Tf.Tensor;
      return tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(tf.tensor2d(y, [n, CLASSES]), tf.logSoftmax(logits)), 1)), tf.tensor1d(w))) as Tf.Scalar;
    }), variables);
    const graph = buildTrainingGraph(model);
    const session = await ort.InferenceSession.create(graph.bytes);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [n, 12, 1, 1]), y: new ort.Tensor('float32', y, [n, CLASSES]), w: new ort.Tensor('float32', w, [n]),
    };
    for (const v of model.weights) feeds[v.originalName] = new ort.Tensor('float32', v.read().dataSync() as Float32Array, v.shape as number[]);
    const result = await session.run(feeds);
    await session.release();
    expect((result.loss!.data as Float32Array)[0]).toBeCloseTo(value.dataSync()[0]!, 5);
    const expected = new Map(model.trainableWeights.map((v, i) => [v.originalName, grads[variables[i]!.name]!.dataSync() as Float32Array]));
    const actual = new Map(model.trainableWeights.map((v) => [v.originalName, result[`grad:${v.originalName}`]!.data as Float32Array]));
    expect(worstGradientError(expected, actual).error).toBeLessThan(1e-5);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
});
