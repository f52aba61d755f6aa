import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { augmentSpectrogram, applyRandomEq, createPrng } from '@noise-classifier/pipelines';
import { Trainer, clipLossAndAccuracy, predictSource, readWeights } from '../src/trainer';
import { selectTrainingBackend } from '../src/training-backend';
import { examplesSource, repeatSource } from '../src/window-source';
import { bands } from './helpers/band-examples';

const spec = (bins: number, frames: number, value = -40) => ({ data: new Float32Array(bins * frames).fill(value), bins, frames });

describe('random EQ augmentation', () => {
  it('adds one smooth curve per bin, the same in every frame, within ±(sum of the coefficient bounds)', () => {
    const s = spec(16, 5);
    applyRandomEq(s.data, 16, 5, 6, createPrng(3));
    const rows = Array.from({ length: 16 }, (_, b) => s.data.slice(b * 5, (b + 1) * 5));
    for (const row of rows) expect(Math.max(...row) - Math.min(...row)).toBe(0);
    const curve = rows.map((r) => r[0]! + 40);
    expect(Math.max(...curve.map(Math.abs))).toBeLessThanOrEqual(6 * (1 + 2 / 3 + 0.4) + 1e-4);
    expect(Math.max(...curve) - Math.min(...curve)).toBeGreaterThan(0.1); // not a no-op
    // Smooth: neighbouring bins differ by far less than the whole range.
    for (let b = 1; b < 16; b++) expect(Math.abs(curve[b]! - curve[b - 1]!)).toBeLessThan(6);
  });

  it('is off by default: eqDb 0 draws nothing extra, so existing seeded runs repeat exactly', () => {
    const input = { data: Float32Array.from({ length: 64 }, (_, i) => -80 + i), bins: 8, frames: 8 };
    const a = augmentSpectrogram(input, {}, createPrng(5));
    const b = augmentSpectrogram(input, { eqDb: 0 }, createPrng(5));
    const c = augmentSpectrogram(input, { eqDb: 6, freqMasks: 0, timeMasks: 0 }, createPrng(5));
    expect(b.data).toEqual(a.data);
    expect(c.data).not.toEqual(augmentSpectrogram(input, { freqMasks: 0, timeMasks: 0 }, createPrng(5)).data);
  });
});

function smallModel(classes: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(tf.layers.reLU().apply(x)) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('repeatSource (windows per clip) and restoreBestWeights', () => {
  beforeAll(async () => {
    expect(await selectTrainingBackend(tf, 'wasm')).toBe('wasm');
  });

  it('repeats every item n times with the same targets and windows; rejects n < 1', async () => {
    const source = examplesSource(bands(6, 3, 1));
    const rep = repeatSource(source, 3);
    expect(rep.size).toBe(18);
    expect(rep.targets).toEqual([...source.targets, ...source.targets, ...source.targets]);
    expect((await rep.windows(13, null)).data).toEqual((await source.windows(1, null)).data);
    expect(repeatSource(source, 1)).toBe(source);
    let error: unknown;
    try {
      repeatSource(source, 0);
    } catch (e) {
      error = e;
    }
    expect(isNoiseClassifierError(error) && error.code === 'E_CONFIG' && error.field === 'windowsPerClip').toBe(true);
  });

  it('n windows per clip = n times the optimiser steps per epoch', async () => {
    const steps = async (n: number) => {
      let count = 0;
      const model = smallModel(3);
      const trainer = new Trainer(model, { numEpochs: 1, batchSize: 4, learningRate: 1e-2, device: 'wasm', seed: 3 }, { tf, onProgress: (p) => void (p.phase === 'train' && (count = p.step)) });
      await trainer.fit(repeatSource(examplesSource(bands(12, 3, 2)), n), null);
      trainer.dispose();
      model.dispose();
      return count;
    };
    expect(await steps(1)).toBe(3);
    expect(await steps(3)).toBe(9);
  });

  it('restoreBestWeights false keeps the last epoch, not the one validation liked best', async () => {
    const train = examplesSource(bands(24, 2, 15));
    const swapped = bands(12, 2, 16);
    // Swapped validation labels: validation loss grows as the model learns, so the best epoch is an early one.
    const val = examplesSource({ ...swapped, labels: swapped.labels.map((l) => 1 - (l as number)) });
    const run = async (restoreBestWeights: boolean) => {
      const model = smallModel(2);
      const trainer = new Trainer(model, { numEpochs: 6, batchSize: 8, learningRate: 1e-2, device: 'wasm', seed: 7, earlyStoppingPatience: 0 }, { tf, restoreBestWeights });
      const result = await trainer.fit(train, val);
      trainer.dispose();
      const loss = clipLossAndAccuracy(await predictSource(tf, model, val), val.targets, 2).loss;
      const weights = readWeights(model);
      model.dispose();
      return { result, loss, weights };
    };
    const best = await run(true);
    const last = await run(false);
    expect(best.result.bestEpoch).toBeLessThan(6);
    expect(best.loss).toBeCloseTo(best.result.history.valLoss[best.result.bestEpoch - 1]!, 4);
    expect(last.loss).toBeCloseTo(last.result.history.valLoss[5]!, 4);
    expect(last.loss).toBeGreaterThan(best.loss);
  });

  it('labelSmoothing ε: the smoothed loss equals (1 − ε)·CE + ε·mean(−log p) of the same batch', async () => {
    // One epoch of one batch, learning rate ~0: the reported train loss is the loss of the initial weights.
    const data = { ...examplesSource(bands(8, 4, 21)), augment: { gainDb: 0, freqMasks: 0, timeMasks: 0 } };
    const loss = async (labelSmoothing: number) => {
      const model = smallModel(4);
      const trainer = new Trainer(model, { numEpochs: 1, batchSize: 8, learningRate: 1e-9, weightDecay: 0, device: 'wasm', seed: 3, classWeighting: 'none' },
        { tf, labelSmoothing, inputNoiseDb: 0 });
      const r = await trainer.fit(data, null);
      trainer.dispose();
      const probs = await predictSource(tf, model, examplesSource(bands(8, 4, 21)));
      model.dispose();
      return { reported: r.history.trainLoss[0]!, probs };
    };
    const plain = await loss(0);
    const smooth = await loss(0.2);
    const targets = examplesSource(bands(8, 4, 21)).targets;
    let ce = 0;
    let uniform = 0;
    plain.probs.forEach((p, i) => {
      ce -= Math.log(p[targets[i]!]!) / 8;
      for (let k = 0; k < 4; k++) uniform -= Math.log(p[k]!) / (8 * 4);
    });
    expect(plain.reported).toBeCloseTo(ce, 4);
    expect(smooth.reported).toBeCloseTo(0.8 * ce + 0.2 * uniform, 4);
  });
});
