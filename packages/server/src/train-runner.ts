import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { confinedDatasetFiles } from './jobs/confined-files';
import type { TrainRunner } from './jobs/processors';
import { splitTrainConfig } from './jobs/train-config';

/**
 * The training runner used by `serve` and `worker`: pipelines' `train` on a dataset folder (one sub-folder per
 * label) or a manifest CSV, with a file checkpoint store in the job's folder — the trainer writes a checkpoint
 * after every epoch and, when the job runs again (a retried or stalled job), resumes from the last one. The
 * trained model is exported as a self-describing ONNX file. Returns undefined when this installation cannot
 * train (tfjs or the training code missing).
 */
export async function loadTrainRunner(): Promise<TrainRunner | undefined> {
  let modules;
  try {
    modules = await Promise.all([
      import('@noise-classifier/pipelines'),
      import('@noise-classifier/pipelines/node'),
      import('@noise-classifier/models'),
      import('@noise-classifier/runtime-node'),
      import('@noise-classifier/config'),
    ]);
  } catch {
    return undefined;
  }
  const [pipelines, pipelinesNode, models, runtimeNode, config] = modules;
  return async (request) => {
    const { trainingConfig, modelConfig, featureConfig } = splitTrainConfig(request.config);
    // Features are computed once per clip for the whole run (an in-memory cache keyed by content + config).
    // With a data root, locations are root-relative and every file the dataset names is confined to the root.
    const { files, location } = request.dataRoot
      ? { files: confinedDatasetFiles(request.dataRoot), location: await rootRelative(request.dataRoot, request.datasetPath) }
      : { files: pipelinesNode.nodeDatasetFiles, location: request.datasetPath };
    const options = { files, cache: pipelines.createMemoryCacheStore(), ...(featureConfig ? { featureConfig } : {}) };
    const dataset = (await stat(request.datasetPath)).isDirectory()
      ? await pipelines.NoiseDataset.fromDirectory(location, options)
      : await pipelines.NoiseDataset.fromManifest(location, options);
    const total = config.createTrainingConfig(trainingConfig).numEpochs;
    // Gradients from onnxruntime-node (native, multi-threaded, ~3× faster than tfjs-wasm) when it loads.
    const tf = await models.loadTf();
    const createGradientEngine = (await pipelinesNode.onnxRuntimeAvailable()) ? pipelinesNode.onnxRuntimeGradientEngine({ tf }) : undefined;
    const outcome = await pipelines.train(dataset, null, trainingConfig, {
      tf,
      ...(createGradientEngine ? { createGradientEngine } : {}),
      checkpointStore: fileCheckpointStore(request.checkpointDir, runtimeNode.writeFileAtomic),
      resume: true,
      modelConfig: { architecture: 'cnn_small', ...modelConfig },
      onEpochEnd: (s) => request.onEpoch(s.epoch, total, { train_loss: s.trainLoss, train_acc: s.trainAcc }),
    });
    try {
      const metadata = models.createModelMetadata({
        featureConfig: outcome.featureConfig ?? dataset.featureConfig,
        modelConfig: outcome.modelConfig,
        labels: outcome.labels,
        untrained: false,
        createdAt: new Date().toISOString(),
        trainingMetrics: { epochs: outcome.epochsRun, best_epoch: outcome.bestEpoch, clips: dataset.sources.length },
      });
      await runtimeNode.writeFileAtomic(request.outputPath, models.exportOnnx(outcome.model, metadata));
    } finally {
      outcome.model.dispose();
    }
    return {
      epochs: outcome.history.trainLoss.length,
      resumedFromEpoch: outcome.resumedFromEpoch,
      history: pipelines.toWireHistory(outcome.history),
      metrics: { best_epoch: outcome.bestEpoch, stopped_early: outcome.stoppedEarly, backend: outcome.backend, engine: outcome.engine, seconds: outcome.seconds },
    };
  };
}

/** A CheckpointStore on a folder: atomic writes (temp file + rename), undefined for a missing file. */
export function fileCheckpointStore(dir: string, writeFileAtomic: (file: string, data: Uint8Array) => Promise<void>) {
  const resolve = (name: string) => path.join(dir, path.basename(name));
  return {
    writeFileAtomic: (name: string, bytes: Uint8Array) => writeFileAtomic(resolve(name), bytes),
    async readFile(name: string): Promise<Uint8Array | undefined> {
      try {
        return new Uint8Array(await readFile(resolve(name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/** `datasetPath` (already resolved inside the root) as a path relative to the root ('.' for the root itself). */
async function rootRelative(dataRoot: string, datasetPath: string): Promise<string> {
  return path.relative(await realpath(dataRoot), await realpath(datasetPath)) || '.';
}
