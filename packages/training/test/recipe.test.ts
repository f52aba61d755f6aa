import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createAudioFeatureConfig } from '@noise-classifier/config';
import { readOnnxModelInfo } from '@noise-classifier/models';
import { NoiseClassifierService, NoiseDataset, generateSyntheticClip } from '@noise-classifier/pipelines';
import { describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore } from '../src/checkpoint';
import { train } from '../src/recipe/run-recipe';
import { untrainedOnnx } from './helpers/untrained-model';

// A small front end keeps the training steps fast on two cores.
const featureConfig = { sampleRate: 16_000, nFft: 1024, hopLength: 256, nMels: 32, nMfcc: 20, spectrogramHeight: 32, spectrogramWidth: 32 };
const config = { numEpochs: 3, batchSize: 4, learningRate: 1e-2, earlyStoppingPatience: 0, device: 'wasm', seed: 3 } as const;

function dataset(seed: number): NoiseDataset {
  const clips = (['white_noise', 'brown_noise'] as const).flatMap((kind, k) =>
    Array.from({ length: 4 }, (_, i) => generateSyntheticClip(kind, { seed: seed + 10 * k + i, sampleRate: 16_000, durationSeconds: 1.5 })));
  return new NoiseDataset(clips, clips.map((c) => c.kind), { featureConfig, seed });
}

describe('train(recipe): the one training entry point', () => {
  it('returns a self-describing ONNX model, its metadata, the history, the report and validation metrics', async () => {
    const run = await train({ train: dataset(1), validation: dataset(50), config, model: { architecture: 'cnn_small' }, summary: { data: 'synthetic' } });
    try {
      expect(run.history.trainLoss).toHaveLength(3);
      const info = readOnnxModelInfo(run.onnx);
      expect(info.metadata.labels).toEqual(['white_noise', 'brown_noise']);
      expect(info.metadata.featureConfig.spectrogramWidth).toBe(32);
      expect(run.metadata.untrained).toBe(false);
      expect(run.metadata.trainingMetrics).toMatchObject({ epochs: 3, seed: 3, data: 'synthetic' });
      expect(run.evaluation?.sampleCount).toBe(8);
      expect(run.report).toContain('<svg');
      // The bytes run: a service opens them and classifies with the recipe's labels.
      const service = await NoiseClassifierService.create({ model: run.onnx });
      const result = await service.classify(generateSyntheticClip('white_noise', { seed: 7, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
      expect(Object.keys(result.probabilities)).toEqual(['white_noise', 'brown_noise']);
      await service.dispose();
    } finally {
      run.dispose();
    }
  }, 120_000);

  it('stops at the signal after the running epoch (its checkpoint written); a later run resumes from there', async () => {
    const store = createMemoryCheckpointStore();
    const platform = { checkpointStore: () => store };
    const recipe = { train: dataset(1), config, model: { architecture: 'cnn_small' } };
    const controller = new AbortController();
    const stopped = await train(recipe, { platform, signal: controller.signal, onEpochEnd: () => controller.abort() }).catch((error: unknown) => error);
    expect((stopped as Error).name).toBe('AbortError');
    expect(store.files.size).toBe(1);
    const run = await train(recipe, { platform });
    expect(run.resumedFromEpoch).toBe(1);
    expect(run.history.trainLoss).toHaveLength(3);
    run.dispose();
    await expect(train(recipe, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  }, 120_000);

  it('trains a given model in place (recipe.initialModel), alone: with an ensemble it is E_CONFIG', async () => {
    await tf.setBackend('wasm'); // building the model needs a ready backend
    const input = tf.input({ shape: [1, 4, 1] });
    const hidden = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    const start = model.getWeights().map((w) => w.dataSync().slice());
    const examples = {
      inputs: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]].map((v) => Float32Array.from(v)),
      labels: [0, 0, 1, 1], classNames: ['low', 'high'], inputShape: [1, 1, 4] as const,
    };
    const windowShape = createAudioFeatureConfig({ spectrogramHeight: 1, spectrogramWidth: 4 });
    const recipe = { train: examples, config, initialModel: model, model: { architecture: 'probe' }, featureConfig: windowShape };
    await expect(train({ ...recipe, ensemble: 2 })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'recipe.initialModel' });
    const run = await train(recipe, {});
    expect(run.models).toEqual([model]);
    expect(run.metadata.modelConfig.architecture).toBe('probe');
    expect(model.getWeights().map((w) => w.dataSync().slice())).not.toEqual(start);
    run.dispose();
  }, 60_000);

  it('an untrained service stays untouched when it has no trainer: E_CONFIG names the trainer', async () => {
    const service = await NoiseClassifierService.create({ model: await untrainedOnnx() });
    await expect(service.train(dataset(1), null, config)).rejects.toMatchObject({ code: 'E_CONFIG', field: 'trainer' });
    expect(service.metadata.untrained).toBe(true);
    await service.dispose();
  });
});
