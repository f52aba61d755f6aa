import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createTrainingConfig } from '@noise-classifier/config';
import { confinedDatasetFiles } from './jobs/confined-files';
import type { TrainRunner } from './jobs/processors';
import { splitTrainConfig } from './jobs/train-config';

/**
 * The training runner of `serve` and `worker`: the shared `train` of @noise-classifier/training on a class folder or
 * a manifest, checkpoints in the job's folder (a retried job resumes), the ONNX file at the job's output path.
 * Undefined when this installation cannot train (tfjs or the training package missing).
 */
export async function loadTrainRunner(): Promise<TrainRunner | undefined> {
  const modules = await Promise.all([import('@noise-classifier/training'), import('@noise-classifier/training/node'), import('@noise-classifier/pipelines'), import('@noise-classifier/pipelines/node'), import('@noise-classifier/runtime-node')]).catch(() => undefined);
  if (!modules) return undefined;
  const [training, trainingNode, pipelines, pipelinesNode, runtimeNode] = modules;
  return async (request) => {
    const { trainingConfig, modelConfig, featureConfig } = splitTrainConfig(request.config);
    // With a data root, locations are root-relative and every file the dataset names is confined to the root.
    const { files, location } = request.dataRoot
      ? { files: confinedDatasetFiles(request.dataRoot), location: path.relative(await realpath(request.dataRoot), await realpath(request.datasetPath)) || '.' }
      : { files: pipelinesNode.nodeDatasetFiles, location: request.datasetPath };
    const options = { files, cache: pipelines.createMemoryCacheStore(), ...(featureConfig ? { featureConfig } : {}) };
    const data = (await stat(request.datasetPath)).isDirectory() ? await pipelines.NoiseDataset.fromDirectory(location, options) : await pipelines.NoiseDataset.fromManifest(location, options);
    const epochs = createTrainingConfig(trainingConfig).numEpochs;
    const run = await training.train({ train: data, config: trainingConfig, model: modelConfig, featureConfig: data.featureConfig }, {
      // One model per job: its checkpoints lie directly in the job's folder.
      platform: { ...(await trainingNode.nodeTrainingPlatform()), checkpointStore: () => trainingNode.directoryCheckpointStore(request.checkpointDir) },
      onEpochEnd: (s) => request.onEpoch(s.epoch, epochs, pipelines.toWireEpochMetrics(s)),
    });
    await runtimeNode.writeFileAtomic(request.outputPath, run.onnx);
    run.dispose();
    return { epochs: run.history.trainLoss.length, resumedFromEpoch: run.resumedFromEpoch, history: pipelines.toWireHistory(run.history), metrics: pipelines.toWireTrainingSummary(run) };
  };
}
