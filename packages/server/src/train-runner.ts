import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TrainRunner } from './jobs/processors';

/** Keys of the job's `config` that are not TrainingConfig fields. */
const MODEL_CONFIG_KEYS = ['model_config', 'modelConfig'];
const FEATURE_CONFIG_KEYS = ['feature_config', 'featureConfig'];

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
    const { trainingConfig, modelConfig, featureConfig } = splitConfig(request.config);
    // Features are computed once per clip for the whole run (an in-memory cache keyed by content + config).
    const options = { files: pipelinesNode.nodeDatasetFiles, cache: pipelines.createMemoryCacheStore(), ...(featureConfig ? { featureConfig } : {}) };
    const dataset = (await stat(request.datasetPath)).isDirectory()
      ? await pipelines.NoiseDataset.fromDirectory(request.datasetPath, options)
      : await pipelines.NoiseDataset.fromManifest(request.datasetPath, options);
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

function splitConfig(input: Readonly<Record<string, unknown>>) {
  const trainingConfig: Record<string, unknown> = {};
  let modelConfig: Record<string, unknown> = {};
  let featureConfig: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (MODEL_CONFIG_KEYS.includes(key)) modelConfig = { ...(value as Record<string, unknown>) };
    else if (FEATURE_CONFIG_KEYS.includes(key)) featureConfig = { ...(value as Record<string, unknown>) };
    // The checkpoint folder belongs to the job, never to the client.
    else if (key !== 'checkpoint_dir' && key !== 'checkpointDir') trainingConfig[key] = value;
  }
  return { trainingConfig, modelConfig, featureConfig };
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
