import { createAudioFeatureConfig, isNoiseClassifierError } from '@noise-classifier/config';
import { train } from '@noise-classifier/training';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { silenceDeprecations } from '../src/deprecation';
import { CUSTOM_ARCHITECTURE, NoiseClassifierTrainer, windowInputModel } from '../src/noise-classifier-trainer';

/** The seed's CustomNoiseClassifier MLP, in tfjs. */
function mlp(inputDim: number, numClasses: number, lastActivation?: 'softmax'): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputDim], units: 512, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 256, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: numClasses, ...(lastActivation ? { activation: lastActivation } : {}) }),
    ],
  });
}

/** Three separable clusters with a seeded generator, so the outcome does not depend on luck. */
function clusters(perClass: number, dim: number, seed: number) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const features: Float32Array[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const v = new Float32Array(dim);
      for (let d = 0; d < dim; d++) v[d] = rand() + (d % 3 === c ? 1.5 : 0);
      features.push(v);
      labels.push(c);
    }
  }
  return { features, labels };
}

/** Every weight of the model as raw float32 bytes, in layer order. */
function weightBytes(model: tf.LayersModel): Buffer {
  return Buffer.concat(model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer)));
}

describe('NoiseClassifierTrainer (custom tfjs model)', () => {
  beforeAll(async () => {
    silenceDeprecations();
    // The WebAssembly backend: the pure-JS 'cpu' backend is several times slower for these dense layers.
    await tf.setBackend('wasm');
  });

  it('trains the seed MLP on fixed-length vectors and returns the seed history', async () => {
    const model = mlp(80, 3);
    const trainer = new NoiseClassifierTrainer(model);
    expect(trainer.inputDim).toBe(80);
    expect(trainer.numClasses).toBe(3);
    const train = clusters(20, 80, 1);
    const val = clusters(8, 80, 2);
    const before = await trainer.predict(val.features);
    const history = await trainer.train(train, val, { num_epochs: 8, batch_size: 16, learning_rate: 1e-3 });
    expect(Object.keys(history).sort()).toEqual(['train_acc', 'train_loss', 'val_acc', 'val_loss']);
    expect(history.train_loss).toHaveLength(8);
    expect(history.val_acc).toHaveLength(8);
    expect(history.train_loss[7]).toBeLessThan(history.train_loss[0]!);
    const after = await trainer.predict(val.features);
    const accuracy = (rows: number[][]) =>
      rows.filter((p, i) => p.indexOf(Math.max(...p)) === val.labels[i]).length / rows.length;
    // Separable clusters: an untrained network sometimes classifies them all already, so compare the held-out
    // cross-entropy (always lowered by training) rather than the accuracy.
    const crossEntropy = (rows: number[][]) => rows.reduce((sum, p, i) => sum - Math.log(Math.max(p[val.labels[i]!]!, 1e-7)), 0) / rows.length;
    expect(accuracy(after)).toBeGreaterThan(0.9);
    expect(crossEntropy(after)).toBeLessThan(crossEntropy(before));
    for (const row of after) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('takes label names and a softmax head (trained through its logits, the weights back in the head)', async () => {
    const model = mlp(6, 3, 'softmax');
    const trainer = new NoiseClassifierTrainer(model, { labels: ['a', 'b', 'c'] });
    const { features, labels } = clusters(10, 6, 3);
    const before = await trainer.predict(features);
    const history = await trainer.train({ features, labels: labels.map((l) => 'abc'[l]!) }, undefined, { numEpochs: 3, learningRate: 1e-2 });
    expect(history.train_loss).toHaveLength(3);
    expect(history.val_loss).toEqual([]);
    expect(history.train_loss[2]).toBeLessThan(history.train_loss[0]!);
    const after = await trainer.predict(features);
    const crossEntropy = (rows: number[][]) => rows.reduce((sum, p, i) => sum - Math.log(Math.max(p[labels[i]!]!, 1e-7)), 0) / rows.length;
    expect(crossEntropy(after)).toBeLessThan(crossEntropy(before));
    for (const row of after) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('trains through train(recipe) of @noise-classifier/training: the same weights and history as that call', async () => {
    const viaTrainer = mlp(12, 3);
    const viaRecipe = mlp(12, 3);
    viaRecipe.setWeights(viaTrainer.getWeights());
    const start = weightBytes(viaTrainer);
    const trainSet = clusters(10, 12, 4);
    const valSet = clusters(4, 12, 5);
    const config = { numEpochs: 3, batchSize: 8, learningRate: 1e-2, seed: 11 };

    const history = await new NoiseClassifierTrainer(viaTrainer).train(trainSet, valSet, config);
    // The same run spelled as a recipe: every vector a 1×1×12 window, the model behind a window input, the active
    // backend as the device.
    const examples = (set: { features: Float32Array[]; labels: number[] }) =>
      ({ inputs: set.features, labels: set.labels, classNames: ['class_0', 'class_1', 'class_2'], inputShape: [1, 1, 12] as const });
    const run = await train({
      train: examples(trainSet),
      validation: examples(valSet),
      config: { ...config, device: 'wasm' },
      initialModel: windowInputModel(tf, viaRecipe, 12).model,
      model: { architecture: CUSTOM_ARCHITECTURE },
      featureConfig: createAudioFeatureConfig({ spectrogramHeight: 1, spectrogramWidth: 12 }),
    });

    expect(Buffer.compare(weightBytes(viaTrainer), start)).not.toBe(0);
    expect(Buffer.compare(weightBytes(viaTrainer), weightBytes(viaRecipe))).toBe(0);
    expect(history).toEqual({ train_loss: run.history.trainLoss, train_acc: run.history.trainAcc, val_loss: run.history.valLoss, val_acc: run.history.valAcc });
    expect(run.metadata.modelConfig.architecture).toBe(CUSTOM_ARCHITECTURE);
    viaTrainer.dispose();
    viaRecipe.dispose();
  });

  it('rejects bad models and data with clear errors', async () => {
    const model = mlp(4, 2);
    const trainer = new NoiseClassifierTrainer(model);
    const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (isNoiseClassifierError(e) ? `${e.code} ${e.field}` : String(e)));
    expect(await codeOf(trainer.train({ features: [[1, 2, 3]], labels: [0] }))).toBe('E_MODEL_MISMATCH train_dataset.features[0]');
    expect(await codeOf(trainer.train({ features: [[1, 2, 3, NaN]], labels: [0] }))).toBe('E_DATASET train_dataset.features[0][3]');
    expect(await codeOf(trainer.train({ features: [[1, 2, 3, 4]], labels: [2] }))).toBe('E_LABEL train_dataset.labels[0]');
    expect(await codeOf(trainer.train({ features: [[1, 2, 3, 4]], labels: [] }))).toBe('E_DATASET train_dataset.labels');
    expect(await codeOf(trainer.train({ features: [], labels: [] }))).toBe('E_DATASET train_dataset.features');
    expect(() => new NoiseClassifierTrainer({} as never)).toThrow(/tfjs LayersModel/);
    expect(() => new NoiseClassifierTrainer(model, { labels: ['only-one'] })).toThrow(/labels must name every model output/);
    const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 })] });
    expect(() => new NoiseClassifierTrainer(conv)).toThrow(/input \[null,8,8,1\]/);
    model.dispose();
    conv.dispose();
  });
});
