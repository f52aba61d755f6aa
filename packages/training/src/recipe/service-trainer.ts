import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type { ServiceTrainer, ServiceTrainRequest } from '@noise-classifier/pipelines';
import type { TrainOptions } from '../train';
import type { TrainPretrainedOptions } from '../pretrained/train-pretrained';
import { train } from './run-recipe';
import type { TrainingData, TrainingPlatform, TrainingRecipe, TrainRunOptions } from './training-recipe';

/**
 * The trainer `NoiseClassifierService` runs (`create({ trainer: serviceTrainer })`): turns the seed-shaped
 * `service.train(trainData, valData, config, options)` / `service.trainPretrained(…)` arguments into a recipe and
 * runs it with `train`, like the CLI and the server's jobs. The service then owns the returned tfjs model.
 */
export const serviceTrainer: ServiceTrainer = async (request) => {
  const run = await train(recipeOf(request), runOptionsOf(request));
  const [model] = run.models;
  return {
    model,
    metadata: run.metadata,
    exportOptions: run.exportOptions,
    history: { ...run.history, bestEpoch: run.bestEpoch, epochsRun: run.epochsRun, stoppedEarly: run.stoppedEarly },
  };
};

function recipeOf(request: ServiceTrainRequest): TrainingRecipe {
  const base = { train: request.trainData as TrainingData, validation: (request.validationData ?? null) as TrainingData | null, config: request.config, featureConfig: request.featureConfig };
  if (request.kind === 'pretrained') {
    const options = request.options as Partial<TrainPretrainedOptions>;
    if (!options.backbone) {
      throw new NoiseClassifierError('E_CONFIG', 'trainPretrained needs a pretrained backbone', { field: 'options.backbone', expected: 'a PretrainedBackbone (loadPretrainedBackbone)', received: describeValue(options.backbone) });
    }
    return {
      ...base,
      pretrained: {
        backbone: options.backbone,
        ...(options.headInput ? { headInput: options.headInput } : {}),
        ...(options.headFit ? { headFit: options.headFit } : {}),
        ...(options.headL2 === undefined ? {} : { headL2: options.headL2 }),
        ...(options.headDropout === undefined ? {} : { headDropout: options.headDropout }),
        ...(options.crops === undefined ? {} : { crops: options.crops }),
        ...(options.fineTune ? { fineTune: { epochs: options.fineTune.epochs, learningRate: options.fineTune.learningRate, ...(options.fineTune.freezeBatchNorm ? { freezeBatchNorm: true } : {}) } } : {}),
      },
      ...(options.restoreBestWeights === false ? { restoreBestWeights: false } : {}),
      ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
    };
  }
  const options = request.options as TrainOptions;
  return {
    ...base,
    ...(options.modelConfig ? { model: options.modelConfig } : {}),
    ...(options.learningRateSchedule ? { learningRateSchedule: options.learningRateSchedule } : {}),
    ...(options.windowsPerClip === undefined ? {} : { windowsPerClip: options.windowsPerClip }),
    ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
    ...(options.restoreBestWeights === false ? { restoreBestWeights: false } : {}),
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(options.maxEpochsThisCall === undefined ? {} : { maxEpochsThisCall: options.maxEpochsThisCall }),
  };
}

/** The platform parts of the service call's options (tfjs, gradient engine, checkpoints, embedding backend). */
function runOptionsOf(request: ServiceTrainRequest): TrainRunOptions {
  const options = request.options as TrainOptions & Partial<TrainPretrainedOptions> & { readonly platform?: TrainingPlatform };
  const fineTune = options.fineTune ?? undefined;
  const checkpointStore = options.checkpointStore ?? fineTune?.checkpointStore;
  const createGradientEngine = options.createGradientEngine ?? fineTune?.createGradientEngine;
  const platform: TrainingPlatform = {
    ...options.platform,
    ...(options.tf ? { tf: options.tf } : {}),
    ...(createGradientEngine ? { createGradientEngine } : {}),
    ...(options.embeddingBackend ? { embeddingBackend: options.embeddingBackend } : {}),
    ...(checkpointStore ? { checkpointStore: () => checkpointStore } : {}),
  };
  return {
    platform,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onEpochEnd ? { onEpochEnd: options.onEpochEnd } : {}),
    ...(options.onEmbedProgress ? { onEmbedProgress: options.onEmbedProgress } : {}),
  };
}
