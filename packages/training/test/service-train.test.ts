import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { describe, expect, it } from 'vitest';
import { NoiseDataset, NoiseClassifierService, generateSyntheticClip, toWireHistory } from '@noise-classifier/pipelines';
import { serviceTrainer } from '../src/recipe/service-trainer';
import { untrainedOnnx } from './helpers/untrained-model';

// A small front end keeps the training steps fast on two cores.
const featureConfig = { sampleRate: 16_000, nFft: 1024, hopLength: 256, nMels: 32, nMfcc: 20, spectrogramHeight: 32, spectrogramWidth: 32 };

function dataset(seed: number, augment: boolean): NoiseDataset {
  const kinds = ['white_noise', 'brown_noise'] as const;
  const clips = kinds.flatMap((kind, k) =>
    Array.from({ length: 6 }, (_, i) => generateSyntheticClip(kind, { seed: seed + 10 * k + i, sampleRate: 16_000, durationSeconds: 1.5 })),
  );
  return new NoiseDataset(clips, clips.map((c) => c.label!), { featureConfig, augment, seed });
}

describe('NoiseClassifierService.train (the seed Quick Start 2)', () => {
  it('trains a model on the datasets, switches to it and returns the history', async () => {
    const service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime, trainer: serviceTrainer });
    const history = await service.train(dataset(1, true), dataset(100, false), {
      numEpochs: 8,
      batchSize: 4,
      learningRate: 1e-2,
      earlyStoppingPatience: 0,
      device: 'wasm',
      seed: 3,
    });
    expect(history.trainLoss).toHaveLength(8);
    expect(Object.keys(toWireHistory(history))).toEqual(['train_loss', 'train_acc', 'val_loss', 'val_acc']);
    // The service now runs the trained model with the data's labels and front end.
    expect(service.labels).toEqual(['white_noise', 'brown_noise']);
    expect(service.featureConfig.sampleRate).toBe(16_000);
    expect(service.metadata.untrained).toBe(false);
    expect(service.modelLocation).toBe('trained');
    const white = await service.classify(generateSyntheticClip('white_noise', { seed: 999, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
    expect(white.metadata?.untrained).toBe(false);
    expect(Object.keys(white.probabilities)).toEqual(['white_noise', 'brown_noise']);
    // White vs brown noise is an easy task: eight short epochs learn it.
    expect(white.predictedClass).toBe('white_noise');
    const brown = await service.classify(generateSyntheticClip('brown_noise', { seed: 998, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
    expect(brown.predictedClass).toBe('brown_noise');
    // Quick Start 3: export; tfjs works too because the service holds the trained tfjs model.
    const dir = mkdtempSync(join(tmpdir(), 'nc-train-export-'));
    await service.export(join(dir, 'noise_classifier.onnx'), 'onnx');
    mkdirSync(join(dir, 'tfjs')); // tfjs export writes model.json + weights.bin into an existing folder
    await service.export(join(dir, 'tfjs'), 'tfjs');
    expect(readdirSync(join(dir, 'tfjs')).sort()).toEqual(['model.json', 'weights.bin']);
    const reloaded = await NoiseClassifierService.create({ modelPath: join(dir, 'noise_classifier.onnx'), runtime: nodeRuntime });
    const again = await reloaded.classify(generateSyntheticClip('white_noise', { seed: 999, sampleRate: 16_000, durationSeconds: 1.5 }).samples, 16_000);
    expect(again.probabilities.white_noise).toBeCloseTo(white.probabilities.white_noise!, 5);
    await Promise.all([service.dispose(), reloaded.dispose()]);
  }, 240_000);
});
