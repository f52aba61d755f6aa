import { join } from 'node:path';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoiseDataset } from '../src/data/noise-dataset';
import { evaluate } from '../src/metrics/evaluate';
import { nodeDatasetFiles } from '../src/node/index';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { stageEsc10Clips } from './helpers/esc10-clips';
import { untrainedOnnx } from './helpers/untrained-model';

const CLIPS = stageEsc10Clips(); // real ESC-10 clips from ../shared/datasets, one folder per class
let service: NoiseClassifierService;
let dataset: NoiseDataset;

beforeAll(async () => {
  service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime, config: { maxBatchSize: 8 } });
  dataset = await NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), { files: nodeDatasetFiles, featureConfig: { sampleRate: 16_000 } });
}, 120_000);
afterAll(() => service?.dispose());

describe('evaluate', () => {
  it('classifies each clip by aggregating its windows, as classify() does, and reports consistent metrics', async () => {
    const progress: number[] = [];
    const report = await evaluate(service, dataset, { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(report.sampleCount).toBe(6);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(6);
    expect(report.labels).toEqual(expect.arrayContaining(['dog_barking', 'rain_heavy']));
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.accuracy).toBeLessThanOrEqual(1);
    for (let i = 0; i < dataset.length; i++) {
      // The dataset was built at 16 kHz; evaluation re-featurises at the model's 48 kHz config.
      const direct = await service.classify(await nodeDatasetFiles.readFile(dataset.sources[i] as string));
      expect(report.predictions[i]!.predicted).toBe(direct.predictedClass);
      expect(report.predictions[i]!.confidence).toBeCloseTo(direct.confidence, 4);
    }
    const correct = report.predictions.filter((p) => p.truth === p.predicted).length;
    expect(report.accuracy).toBeCloseTo(correct / 6, 12);
  });

  it('accepts predicted labels directly', async () => {
    const predicted = ['dog_barking', 'dog_barking', 'rain_heavy', 'rain_heavy', 'rain_heavy', 'rain_heavy'];
    const report = await evaluate(predicted, dataset);
    // truths: dog dog dog rain rain rain → dog P 1 R 2/3; rain P 3/4 R 1.
    expect(report.accuracy).toBeCloseTo(5 / 6, 12);
    expect(report.perClass.dog_barking!.recall).toBeCloseTo(2 / 3, 12);
    expect(report.perClass.rain_heavy!.precision).toBeCloseTo(0.75, 12);
  });
});
