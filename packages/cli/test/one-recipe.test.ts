import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@noise-classifier/features';
import { buildModel, createModelMetadata, decodeOnnxModel, encodeOnnxModel, exportOnnx, metadataFromProps } from '@noise-classifier/models';
import { NoiseClassifierService, NoiseDataset } from '@noise-classifier/pipelines';
import { nodeDatasetFiles } from '@noise-classifier/pipelines/node';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { loadTrainRunner } from '@noise-classifier/server';
import { serviceTrainer } from '@noise-classifier/training';
import { nodeTrainingPlatform } from '@noise-classifier/training/node';
import { runTrain } from '../src/commands/train';

// One recipe, three front doors: `noise-classifier train`, a server training job and `service.train`. With the
// same data, hyper-parameters and seed they must run the same function and so produce the same weights.
const SEED = 5;
const featureConfig = { nMels: 16, spectrogramHeight: 16, nMfcc: 16, hopLength: 2048, spectrogramWidth: 16 };
const model = { architecture: 'cnn_small', dropout: 0.1, stochasticDepthRate: 0.2 };
const training = { numEpochs: 2, batchSize: 4, learningRate: 3e-3, weightDecay: 1e-4, earlyStoppingPatience: 0, seed: SEED, classWeighting: 'balanced', mixupAlpha: 0, device: 'auto' } as const;

/** The ONNX graph without its metadata (which holds the wall time and the creation time). */
function graphBytes(onnx: Uint8Array): Uint8Array {
  const { metadataProps: _, ...rest } = decodeOnnxModel(onnx);
  return encodeOnnxModel(rest);
}

let root: string;
describe('one training recipe behind the CLI, server jobs and the service', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'nc-one-recipe-'));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 1073741824 - 1);
    for (const label of ['tone', 'hiss']) {
      await mkdir(join(root, 'data', label), { recursive: true });
      for (let k = 0; k < 5; k++) {
        const x = Float32Array.from({ length: 16000 }, (_, i) => (label === 'tone' ? 0.5 * Math.sin((2 * Math.PI * (700 + 60 * k) * i) / 16000) + 0.01 * rand() : 0.3 * rand()));
        await writeFile(join(root, 'data', label, `${label}-${k}.wav`), encodeWav(x, 16000, { clip: true }));
      }
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('produces the same model bytes for the same seed', async () => {
    const data = join(root, 'data');
    const cli = await runTrain({
      data: [data], arch: 'cnn_small', epochs: 2, batchSize: 4, learningRate: 3e-3, weightDecay: 1e-4, patience: 0, seed: SEED, out: join(root, 'cli'),
      synthetic: 0, augment: false, mixup: 0.2, classWeights: 'balanced', dropout: 0.1, resume: false, lrSchedule: 'constant', nMels: 16, hopLength: 2048, windowFrames: 16, quiet: true,
    }, { stdout: () => {}, stderr: () => {} });
    const cliBytes = new Uint8Array(await readFile(cli.onnxPath));

    const runner = await loadTrainRunner();
    if (!runner) throw new Error('the server cannot train here');
    const serverModel = join(root, 'server.onnx');
    await runner({
      datasetPath: data, checkpointDir: join(root, 'server-checkpoints'), outputPath: serverModel,
      config: { ...training, model_config: model, feature_config: featureConfig }, onEpoch: async () => {},
    });
    const serverBytes = new Uint8Array(await readFile(serverModel));

    // The service starts from another (untrained) model, so its export is the training's work, not the start.
    const startConfig = { ...model, labels: ['a', 'b'], numClasses: 2 };
    const start = await buildModel(startConfig, featureConfig, { seed: 99 } as never);
    const startBytes = exportOnnx(start, createModelMetadata({ modelConfig: startConfig, featureConfig, untrained: true }));
    start.dispose();
    const service = await NoiseClassifierService.create({ model: startBytes, runtime: nodeRuntime, trainer: serviceTrainer });
    const dataset = await NoiseDataset.fromDirectory(data, { files: nodeDatasetFiles, featureConfig });
    const history = await service.train(dataset, null, training, { modelConfig: model, platform: await nodeTrainingPlatform() });
    const servicePath = join(root, 'service.onnx');
    await service.export(servicePath, 'onnx');
    await service.dispose();
    const serviceBytes = new Uint8Array(await readFile(servicePath));

    // Two epochs ran everywhere, and the three ONNX graphs (weights included) are identical byte for byte.
    expect(cli.epochs).toBe(2);
    expect(history.trainLoss).toHaveLength(2);
    expect(Buffer.compare(graphBytes(serviceBytes), graphBytes(startBytes))).not.toBe(0);
    expect(Buffer.compare(graphBytes(serverBytes), graphBytes(cliBytes))).toBe(0);
    expect(Buffer.compare(graphBytes(serviceBytes), graphBytes(cliBytes))).toBe(0);
    const labelsOf = (bytes: Uint8Array) => metadataFromProps(Object.fromEntries((decodeOnnxModel(bytes).metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']))).labels;
    expect(labelsOf(serverBytes)).toEqual(['hiss', 'tone']);
    expect(labelsOf(serviceBytes)).toEqual(labelsOf(cliBytes));
  }, 180_000);
});
