// The public surface of @noise-classifier/pipelines: what applications import. Helpers that only serve the
// modules here (probabilities, CSV, paths, cache encoding, tone tracking…) stay internal.

// Service
export {
  NoiseClassifierService,
  type ServiceCreateOptions,
  type ClassifyOptions,
  type BatchItem,
  type ServiceTrainingHistory,
} from './service/noise-classifier-service';
export type { ServiceTrainer, ServiceTrainRequest, TrainedModel } from './service/service-trainer';
export type { PlatformRuntime } from '@noise-classifier/models';
export { defaultModelLocation } from './default-model';
export type { ClassificationResult, ClassificationMetadata, WindowResult, AudioSetTag } from './core/classification-result';
export { modelWindows } from './core/create-front-end';
export { StreamingClassifier, type StreamingOptions, type StreamResult } from './streaming/streaming-classifier';

// All 59 labels: AudioSet evidence and the combined head
export { audioSetEvidence } from './audioset/audioset-evidence';
export { labelSourcesFor, combineHeadAndAudioSet, type AudioSetCombinerParams } from './audioset/combined-head';
export { combinerExamples, combineModelWithAudioSet } from './service/combine-model';
export { fitAudioSetCombiner, type CombinerExample, type FitCombinerOptions, type FitCombinerResult } from './audioset/fit-combiner';

// Wire format (snake_case at the edges)
export {
  toWireClassification,
  fromWireClassification,
  toWireServiceResponse,
  type WireClassification,
  type WireServiceResponse,
} from './wire/classification-wire';
export {
  toWireHistory,
  fromWireHistory,
  toWireEpochMetrics,
  toWireTrainingSummary,
  type WireTrainingHistory,
} from './wire/history-wire';
export type { TrainingHistory } from './core/training-history';
export { toWireEvaluation, fromWireEvaluation } from './wire/evaluation-wire';

// Evaluation
export { computeClassificationMetrics, type EvaluationReport } from './metrics/classification-metrics';
export { evaluate, type EvaluateOptions, type EvaluationResult } from './metrics/evaluate';

// Data, augmentation, synthetic sounds
export { NoiseDataset, type NoiseDatasetOptions, type DatasetSource, type DatasetFileAccess } from './data/noise-dataset';
export { parseManifest } from './data/manifest';
export { joinLocation } from './data/paths';
export { createMemoryCacheStore, type FeatureCacheStore } from './data/feature-cache';
export { augmentSpectrogram, applyRandomEq, cropWindow, type SpectrogramAugmentOptions } from './data/augment';
export { createPrng, shuffled } from './synthetic/prng';
export {
  SYNTHETIC_KINDS,
  generateSyntheticClip,
  generateSyntheticSet,
  mixAtSnr,
  type SyntheticKind,
} from './synthetic/synthetic-clips';

// Emergency detection
export {
  EmergencyNoiseDetector,
  type EmergencyDetectorOptions,
  type EmergencyEvent,
} from './emergency/emergency-detector';
export { modelAlarmSource } from './emergency/model-alarm-source';
export { audioSetAlarmSource } from './emergency/audioset-alarm-source';
