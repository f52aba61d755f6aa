import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createWorkerGradientHelper } from '../src/node/gradient-worker';
import { createPrng } from '@noise-classifier/pipelines';
import { Trainer, readWeights } from '../src/trainer';
import { selectTrainingBackend } from '../src/training-backend';
import { examplesSource } from '../src/window-source';

function model(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('data-parallel training with a worker thread', () => {
  it('gives the same weights as one thread (the halves’ gradients add up to the batch gradient)', async () => {
    await selectTrainingBackend(tf, 'wasm');
    const prng = createPrng(3);
    const inputs = Array.from({ length: 24 }, (_, i) => Float32Array.from({ length: 64 }, (_, p) => prng.normal() * 0.5 + (Math.floor(p / 8) >> 1 === i % 3 ? 1 : 0)));
    const data = examplesSource({ inputs, labels: inputs.map((_, i) => i % 3), classNames: ['a', 'b', 'c'], inputShape: [1, 8, 8] });
    const config = { numEpochs: 2, batchSize: 8, learningRate: 1e-2, device: 'wasm', classWeighting: 'balanced', seed: 5 } as const;

    const single = model(1);
    const t1 = new Trainer(single, config, { tf });
    const r1 = await t1.fit(data, null);
    t1.dispose();

    const parallel = model(1);
    const helper = createWorkerGradientHelper(parallel, { execArgv: ['--conditions=@noise-classifier/source'], loader: 'tsx/esm/api' });
    try {
      const t2 = new Trainer(parallel, config, { tf, gradientHelper: helper });
      const r2 = await t2.fit(data, null);
      t2.dispose();
      for (let e = 0; e < 2; e++) {
        expect(r2.history.trainLoss[e]).toBeCloseTo(r1.history.trainLoss[e]!, 5);
        expect(r2.history.trainAcc[e]).toBe(r1.history.trainAcc[e]);
      }
      const a = readWeights(single);
      const b = readWeights(parallel);
      let diff = 0;
      a.forEach((w, i) => w.data.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - b[i]!.data[j]!)))));
      expect(diff).toBeLessThan(1e-5);
    } finally {
      await helper.dispose();
      single.dispose();
      parallel.dispose();
    }
  }, 60_000);
});
