import { createModelConfig, createTrainingConfig, type AudioFeatureConfig, type ModelConfig, type TrainingConfig } from '@noise-classifier/config';
import { buildModel, loadTf, type TfModule } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';
import type { NoiseDataset } from '@noise-classifier/pipelines';
import type { CheckpointStore } from './checkpoint';
import type { GradientEngineFactory } from './gradient-engine';
import { Trainer, predictSource, type EpochSummary, type TrainingProgress, type TrainingResult } from './trainer';
import { selectTrainingBackend } from './training-backend';
import { repeatSource, toWindowSource, type TrainingExamples, type WindowSource } from './window-source';

export interface TrainOptions {
  /** tfjs module (default: the lazily imported @tensorflow/tfjs). */
  readonly tf?: TfModule;
  /** Model to train; default: `buildModel(modelConfig)` with the training data's labels. */
  readonly model?: tfType.LayersModel;
  /** Architecture, dropout… for the built model; labels and numClasses come from the data. */
  readonly modelConfig?: Partial<ModelConfig> | Record<string, unknown>;
  readonly checkpointStore?: CheckpointStore;
  readonly resume?: boolean;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  readonly maxEpochsThisCall?: number;
  readonly inputNoiseDb?: number;
  readonly learningRateSchedule?: 'constant' | 'cosine';
  /** Random windows drawn from every training clip per epoch (default 1); see `repeatSource`. */
  readonly windowsPerClip?: number;
  /** false: keep the last epoch's weights instead of the best validation epoch's (see TrainerOptions). */
  readonly restoreBestWeights?: boolean;
  /** Label smoothing ε for augmented training data (see TrainerOptions). */
  readonly labelSmoothing?: number;
  /** Computes gradients with another engine (in Node: `onnxRuntimeGradientEngine` from `/node`); default tfjs. */
  readonly createGradientEngine?: GradientEngineFactory;
}

export interface TrainOutcome extends TrainingResult {
  readonly model: tfType.LayersModel;
  readonly labels: readonly string[];
  readonly modelConfig: ModelConfig;
  readonly featureConfig?: AudioFeatureConfig;
  /** Class probabilities of every validation item with the final weights (for metrics), else empty. */
  readonly validationProbabilities: Float32Array[];
}

/**
 * One model from scratch (the seed's `train(train_dataset, val_dataset, config)`): builds the model (unless given),
 * trains it and returns the history with the trained model. The recipe runner `train` calls this per member. `valDataset` may be null (no early stopping; the last epoch is kept).
 */
export async function trainModel(
  trainDataset: NoiseDataset | TrainingExamples | WindowSource,
  valDataset: NoiseDataset | TrainingExamples | WindowSource | null,
  config: TrainingConfig | Partial<TrainingConfig> | Record<string, unknown> = {},
  options: TrainOptions = {},
): Promise<TrainOutcome> {
  const tf = options.tf ?? (await loadTf());
  const trainingConfig = createTrainingConfig(config);
  const channels = ((options.modelConfig as Partial<ModelConfig> | undefined)?.inputChannels ?? 1) as 1 | 3;
  const trainSource = repeatSource(toWindowSource(trainDataset, channels), options.windowsPerClip ?? 1);
  const valSource = valDataset ? toWindowSource(valDataset, channels) : null;
  const featureConfig = 'featureConfig' in trainDataset ? (trainDataset as NoiseDataset).featureConfig : undefined;
  const modelConfig = createModelConfig({ architecture: 'cnn_small', ...options.modelConfig, labels: [...trainSource.labels], numClasses: trainSource.labels.length });
  // Building the model needs a ready backend: the one the trainer will train on.
  if (!options.model) await selectTrainingBackend(tf, trainingConfig.device);
  const model = options.model ?? (await buildModel(modelConfig, featureConfig ?? {}, { tf, seed: trainingConfig.seed }));
  const trainer = new Trainer(model, trainingConfig, { ...options, tf });
  try {
    const result = await trainer.fit(trainSource, valSource);
    const validationProbabilities = valSource ? await predictSource(tf, model, valSource) : [];
    return { ...result, model, labels: trainSource.labels, modelConfig, ...(featureConfig ? { featureConfig } : {}), validationProbabilities };
  } catch (error) {
    // A model built here never reaches the caller on failure (an abort, a bad batch): release it.
    if (!options.model) model.dispose();
    throw error;
  } finally {
    trainer.dispose();
  }
}
