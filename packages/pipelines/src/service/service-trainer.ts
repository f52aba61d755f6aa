import type { AudioFeatureConfig } from '@noise-classifier/config';
import type { ExportOnnxOptions, ModelMetadata } from '@noise-classifier/models';
import type { TrainingHistory } from '../core/training-history';

/** `train()`'s result: the seed's four curves plus where training stopped. */
export interface ServiceTrainingHistory extends TrainingHistory {
  bestEpoch: number;
  epochsRun: number;
  stoppedEarly: boolean;
}

/**
 * What `NoiseClassifierService.train` / `trainPretrained` hand the injected trainer: the caller's arguments as
 * they came, plus the service's current front end (the trainer's fallback when the data does not name one).
 */
export interface ServiceTrainRequest {
  readonly kind: 'scratch' | 'pretrained';
  readonly trainData: unknown;
  readonly validationData: unknown;
  readonly config: object;
  readonly options: object;
  readonly featureConfig: AudioFeatureConfig;
}

/** A trained in-process tfjs model with its metadata; the service swaps it in (exported to ONNX for its runtime). */
export interface TrainedModel {
  readonly model: unknown;
  readonly metadata: ModelMetadata;
  readonly exportOptions?: ExportOnnxOptions;
  readonly history: ServiceTrainingHistory;
}

/**
 * Training lives in @noise-classifier/training, which depends on this package; the service therefore gets its
 * trainer injected (`create({ trainer: serviceTrainer })`, `serviceTrainer` from @noise-classifier/training)
 * instead of importing it, so no import runs from pipelines back up to training.
 */
export type ServiceTrainer = (request: ServiceTrainRequest) => Promise<TrainedModel>;
