import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../src/adamw';
import { CHECKPOINT_FILE, createMemoryCheckpointStore, decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from '../src/checkpoint';
import { resolveClassWeights } from '../src/class-weights';
import { fineTune } from '../src/fine-tune';
import { Trainer, readWeights, type TrainingProgress } from '../src/trainer';
import { selectTrainingBackend } from '../src/training-backend';
import { examplesSource, type TrainingExamples } from '../src/window-source';
import { BAND_SIZE, bands } from './helpers/band-examples';

const H = BAND_SIZE;
const W = BAND_SIZE;

function smallModel(classes: number, seed: number, options: { batchNorm?: boolean; dropout?: number } = {}): tf.LayersModel {
  const input = tf.input({ shape: [H, W, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'conv' }).apply(input) as tf.SymbolicTensor;
  if (options.batchNorm) x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  if (options.dropout) x = tf.layers.dropout({ rate: options.dropout }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const base = { numEpochs: 4, batchSize: 8, learningRate: 1e-2, weightDecay: 1e-4, earlyStoppingPatience: 0, device: 'wasm', seed: 7 } as const;

function maxAbsDiff(a: { data: Float32Array }[], b: { data: Float32Array }[]): number {
  let d = 0;
  a.forEach((w, i) => w.data.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i]!.data[j]!)))));
  return d;
}

describe('Trainer', () => {
  beforeAll(async () => {
    expect(await selectTrainingBackend(tf, 'wasm')).toBe('wasm');
  });

  it('AdamW matches the decoupled-decay update computed by hand', () => {
    const v = tf.variable(tf.tensor2d([[1, -2]]), true, 'adamw_probe');
    const opt = new AdamW(tf, { learningRate: 0.1, weightDecay: 0.5 });
    const grads = [[0.5, 0.25], [-1, 0.5]];
    let w = [1, -2];
    const m = [0, 0];
    const s = [0, 0];
    grads.forEach((g, t) => {
      const grad = tf.tensor2d([g]);
      opt.applyGradients([{ key: 'probe/kernel', variable: v }], { [v.name]: grad });
      grad.dispose();
      w = w.map((wi, i) => {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        s[i] = 0.999 * s[i]! + 0.001 * g[i]! ** 2;
        const mh = m[i]! / (1 - 0.9 ** (t + 1));
        const sh = s[i]! / (1 - 0.999 ** (t + 1));
        return wi * (1 - 0.1 * 0.5) - (0.1 * mh) / (Math.sqrt(sh) + 1e-8);
      });
    });
    const got = v.dataSync();
    expect(got[0]).toBeCloseTo(w[0]!, 5);
    expect(got[1]).toBeCloseTo(w[1]!, 5);
    // Without decay the weights would differ by lr·λ·w per step: the decay term is really applied.
    expect(Math.abs(got[0]! - w[0]!)).toBeLessThan(1e-5);
    expect(opt.getState().step).toBe(2);
    opt.dispose();
    v.dispose();
  });

  it('learns a separable problem, reports progress and returns the seed history', async () => {
    const model = smallModel(3, 1, { batchNorm: true, dropout: 0.2 });
    const progress: TrainingProgress[] = [];
    const trainer = new Trainer(model, { ...base, numEpochs: 6 }, { tf, onProgress: (p) => progress.push(p) });
    const result = await trainer.fit(examplesSource(bands(48, 3, 1)), examplesSource(bands(24, 3, 2)));
    trainer.dispose();
    expect(result.history.trainLoss).toHaveLength(6);
    expect(result.history.valAcc.at(-1)).toBeGreaterThan(0.9);
    expect(result.history.trainLoss.at(-1)!).toBeLessThan(result.history.trainLoss[0]!);
    const train = progress.filter((p) => p.phase === 'train');
    expect(train).toHaveLength(6 * 6);
    expect(train[0]).toMatchObject({ epoch: 1, epochs: 6, step: 1, steps: 6 });
    expect(train.at(-1)!.etaSeconds).toBe(0);
    expect(train[3]!.etaSeconds).toBeGreaterThan(0);
    for (const p of train) expect(Number.isFinite(p.loss) && p.accuracy >= 0 && p.accuracy <= 1).toBe(true);
    model.dispose();
  });

  it('repeats exactly with the same seed (augmentation, mixup and dropout included)', async () => {
    const run = async () => {
      const model = smallModel(3, 3, { dropout: 0.3 });
      const source = { ...examplesSource(bands(24, 3, 4)), augment: {} };
      const trainer = new Trainer(model, { ...base, numEpochs: 2, mixupAlpha: 0.4 }, { tf });
      const r = await trainer.fit(source, null);
      trainer.dispose();
      const w = readWeights(model);
      model.dispose();
      return { r, w };
    };
    const a = await run();
    const b = await run();
    expect(a.r.history.trainLoss).toEqual(b.r.history.trainLoss);
    expect(maxAbsDiff(a.w, b.w)).toBe(0);
  });

  it('resumes after a crash: the history continues and the weights equal an uninterrupted run', async () => {
    const train = examplesSource(bands(32, 3, 5));
    const val = examplesSource(bands(12, 3, 6));
    const full = smallModel(3, 9, { batchNorm: true });
    const t1 = new Trainer(full, base, { tf });
    const uninterrupted = await t1.fit(train, val);
    t1.dispose();

    const store = createMemoryCheckpointStore();
    const first = smallModel(3, 9, { batchNorm: true });
    const t2 = new Trainer(first, base, { tf, checkpointStore: store, maxEpochsThisCall: 2 });
    const partial = await t2.fit(train, val);
    t2.dispose();
    first.dispose(); // the "crash": everything in memory is gone, only the checkpoint remains
    expect(partial.history.trainLoss).toHaveLength(2);
    expect(decodeCheckpoint(store.files.get(CHECKPOINT_FILE)!).epoch).toBe(2);

    const second = smallModel(3, 100, { batchNorm: true }); // other initial weights: the checkpoint must replace them
    const t3 = new Trainer(second, base, { tf, checkpointStore: store });
    const resumed = await t3.fit(train, val);
    t3.dispose();
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(resumed.epochsRun).toBe(2);
    expect(resumed.history.trainLoss).toHaveLength(4);
    for (let e = 0; e < 4; e++) expect(resumed.history.valLoss[e]).toBeCloseTo(uninterrupted.history.valLoss[e]!, 4);
    expect(maxAbsDiff(readWeights(second), readWeights(full))).toBeLessThan(1e-4);
    full.dispose();
    second.dispose();
  });

  it('gradient accumulation equals one bigger batch', async () => {
    const train = examplesSource(bands(32, 2, 8));
    const run = async (batchSize: number, gradientAccumulationSteps: number) => {
      const model = smallModel(2, 11);
      const trainer = new Trainer(model, { ...base, numEpochs: 2, batchSize, gradientAccumulationSteps, classWeighting: 'balanced' }, { tf });
      const r = await trainer.fit(train, null);
      trainer.dispose();
      const w = readWeights(model);
      model.dispose();
      return { r, w };
    };
    const big = await run(16, 1);
    const accumulated = await run(4, 4);
    const plain = await run(4, 1);
    expect(maxAbsDiff(big.w, accumulated.w)).toBeLessThan(1e-5);
    expect(accumulated.r.history.trainLoss[0]).toBeCloseTo(big.r.history.trainLoss[0]!, 5);
    // Four separate steps of 4 give different weights: the equality above is not vacuous.
    expect(maxAbsDiff(big.w, plain.w)).toBeGreaterThan(1e-3);
  });

  it('keeps memory flat across epochs', async () => {
    const model = smallModel(3, 12, { batchNorm: true, dropout: 0.2 });
    const counts: number[] = [];
    const trainer = new Trainer(model, { ...base, numEpochs: 6, mixupAlpha: 0.2 }, { tf, checkpointStore: createMemoryCheckpointStore(), onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    await trainer.fit({ ...examplesSource(bands(24, 3, 13)), augment: {} }, examplesSource(bands(9, 3, 14)));
    // Epoch 1 creates the optimiser moments; from then on the count must not move.
    expect(new Set(counts.slice(1)).size).toBe(1);
    trainer.dispose();
    model.dispose();
  });

  it('stops early and restores the best weights', async () => {
    const train = examplesSource(bands(24, 2, 15));
    // Validation labels swapped: the better the model learns, the worse the validation loss gets.
    const swapped = bands(12, 2, 16);
    const val = examplesSource({ ...swapped, labels: swapped.labels.map((l) => 1 - (l as number)) });
    const model = smallModel(2, 17);
    const trainer = new Trainer(model, { ...base, numEpochs: 20, earlyStoppingPatience: 2 }, { tf });
    const result = await trainer.fit(train, val);
    trainer.dispose();
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.valLoss.length).toBeLessThan(20);
    const best = result.bestEpoch;
    expect(result.history.valLoss[best - 1]).toBe(Math.min(...result.history.valLoss));
    // The model now holds the best epoch's weights: its validation loss is the best one.
    const check = new Trainer(model, { ...base, numEpochs: 1 }, { tf });
    const { predictSource, clipLossAndAccuracy } = await import('../src/trainer');
    const probs = await predictSource(tf, model, val);
    expect(clipLossAndAccuracy(probs, val.targets, 2).loss).toBeCloseTo(result.history.valLoss[best - 1]!, 4);
    check.dispose();
    model.dispose();
  });

  it('weights classes (balanced, explicit) and rejects a wrong number of weights', () => {
    const balanced = resolveClassWeights('balanced', [0, 0, 0, 1], 2);
    expect(balanced[0]).toBeCloseTo(4 / 6, 6);
    expect(balanced[1]).toBe(2);
    expect([...resolveClassWeights([1, 3], [0, 1], 2)]).toEqual([1, 3]);
    expect(() => resolveClassWeights([1], [0, 1], 2)).toThrow(/one weight per class/);
  });

  it('rejects data that does not fit the model, naming the field', async () => {
    const model = smallModel(3, 18);
    const trainer = new Trainer(model, base, { tf });
    await expect(trainer.fit(examplesSource(bands(8, 2, 1)), null)).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH' });
    trainer.dispose();
    model.dispose();
  });

  it('checkpoints round-trip and a corrupt file is a clear error', () => {
    const ckpt: TrainingCheckpoint = {
      format: 'noise-classifier-checkpoint', version: 1, epoch: 3,
      history: { trainLoss: [1, 0.5, 0.25], trainAcc: [0.1, 0.2, 0.3], valLoss: [1, 1, 1], valAcc: [0, 0, 0] },
      rng: { seed: 1, nextEpoch: 3 }, bestValLoss: 1, bestEpoch: 1, epochsWithoutImprovement: 2, labels: ['a', 'b'],
      weights: [{ name: 'w', shape: [3], data: Float32Array.from([1, 2, 3]) }], bestWeights: [],
      optimizer: { step: 5, moments: { w: { m: Float32Array.from([0.5, 0, 0]), v: Float32Array.from([0, 0, 0.25]) } } },
    };
    const back = decodeCheckpoint(encodeCheckpoint(ckpt));
    expect([...back.weights[0]!.data]).toEqual([1, 2, 3]);
    expect([...back.optimizer.moments.w!.v]).toEqual([0, 0, 0.25]);
    expect(back.history).toEqual(ckpt.history);
    expect(() => decodeCheckpoint(new Uint8Array(20))).toThrow(/not a training checkpoint/);
    expect(() => decodeCheckpoint(encodeCheckpoint(ckpt).subarray(0, 40))).toThrow();
    // A header naming an array the file does not hold (same length, so the rest of the file stays intact).
    const bytes = encodeCheckpoint(ckpt);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + headerLength));
    expect(header).toContain('"ref":0');
    bytes.set(new TextEncoder().encode(header.replace('"ref":0', '"ref":7')), 12);
    expect(() => decodeCheckpoint(bytes)).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', received: 'weight w refers to array 7 of 3' }));
  });
});

describe('fineTune', () => {
  it('trains a new head on new labels from a few examples per class, backbone frozen', async () => {
    await selectTrainingBackend(tf, 'wasm');
    // "Pretrain" on bands 0–2, then teach bands 2–3 (new labels) from 4 examples each.
    const baseModel = smallModel(3, 21);
    const pre = new Trainer(baseModel, { ...base, numEpochs: 4 }, { tf });
    await pre.fit(examplesSource(bands(48, 3, 22)), null);
    pre.dispose();
    const backboneBefore = readWeights(baseModel).filter((w) => w.name.startsWith('conv'));
    const few = bands(16, 4, 23);
    const pick = few.labels.map((l, i) => [l, i] as const).filter(([l]) => (l as number) >= 2);
    const examples: TrainingExamples = {
      inputs: pick.map(([, i]) => few.inputs[i]!),
      labels: pick.map(([l]) => ((l as number) === 2 ? 'alarm' : 'hum')),
      classNames: ['alarm', 'hum'],
      inputShape: [1, H, W],
    };
    const testSet = bands(40, 4, 24);
    const result = await fineTune(baseModel, ['alarm', 'hum'], examples, { tf, training: { numEpochs: 30, batchSize: 8, learningRate: 1e-2, seed: 1 } });
    expect(result.labels).toEqual(['alarm', 'hum']);
    expect(result.model.outputs[0]!.shape).toEqual([null, 2]);
    let correct = 0;
    let total = 0;
    testSet.inputs.forEach((x, i) => {
      const l = testSet.labels[i] as number;
      if (l < 2) return;
      const p = tf.tidy(() => (result.model.predict(tf.tensor4d(x, [1, H, W, 1])) as tf.Tensor).argMax(1).dataSync()[0]);
      correct += p === l - 2 ? 1 : 0;
      total += 1;
    });
    expect(correct / total).toBeGreaterThan(0.9);
    const backboneAfter = readWeights(result.model).filter((w) => w.name.startsWith('conv'));
    expect(maxAbsDiff(backboneAfter, backboneBefore)).toBe(0);
    result.model.dispose();
  });
});

describe('training report', () => {
  it('draws the curves and the confusion matrix as inline SVG and escapes text', async () => {
    const { trainingReportHtml } = await import('../src/training-report');
    const html = trainingReportHtml({
      title: 'run <1>',
      history: { trainLoss: [2, 1, 0.5], trainAcc: [0.2, 0.5, 0.8], valLoss: [2.2, 1.4, NaN], valAcc: [0.1, 0.4, NaN] },
      evaluation: {
        accuracy: 0.75, macroF1: 0.7, labels: ['a', 'b'], sampleCount: 4, confusionMatrix: [[2, 0], [1, 1]],
        perClass: { a: { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 }, b: { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 } },
      },
      facts: { command: 'train --data "x" & more' },
    });
    expect(html).toContain('run &#60;1&#62;');
    expect(html).toContain('&#34;x&#34; &#38; more');
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html.match(/<polyline/g)).toHaveLength(4);
    expect(html).toContain('accuracy 75.0%');
    // The NaN validation point of the last epoch is left out of its line, not drawn at a bogus height.
    const valLine = html.match(/<polyline[^>]*stroke="#d62728"[^>]*points="([^"]*)"/)![1]!;
    expect(valLine.trim().split(' ')).toHaveLength(2);
  });
});
