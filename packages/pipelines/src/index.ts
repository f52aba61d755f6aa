// ---------------------------------------------------------------------------------------------------------------
// Service, data, evaluation, emergency
// ---------------------------------------------------------------------------------------------------------------
export {
  NoiseClassifierService,
  type ServiceCreateOptions,
  type ClassifyOptions,
  type BatchItem,
  type ServiceTrainingHistory,
} from './service/noise-classifier-service';
export type { PipelineRuntime } from './service/pipeline-runtime';
export { DEFAULT_MODEL_FILE, defaultModelLocation } from './default-model';
export type { FrontEnd } from './service/front-end';
export { createFrontEnd, modelWindows } from './service/create-front-end';
export type { ClassificationResult, ClassificationMetadata, WindowResult } from './service/classification-result';
export {
  StreamingClassifier,
  type StreamingOptions,
  type StreamResult,
  type WindowPredictor,
} from './streaming/streaming-classifier';
export { softmaxRows, aggregateRows, topKOf, argmax } from './service/probabilities';
export {
  NUM_AUDIOSET_CLASSES,
  sigmoid,
  audioSetScores,
  audioSetEvidence,
  audioSetEvidenceFromScores,
  topAudioSetTags,
  type AudioSetTag,
} from './audioset/audioset-evidence';
export {
  ABSENT_LOGIT,
  EVIDENCE_EPSILON,
  labelSourcesFor,
  combinedHeadLayout,
  combineHeadAndAudioSet,
  combinedHeadGraphSpec,
  mappedLogit,
  type AudioSetCombinerParams,
  type CombinedHeadSpec,
  type CombinedHeadLayout,
} from './audioset/combined-head';
export { combinerExamples, combineModelWithAudioSet } from './audioset/combine-model';
export {
  fitAudioSetCombiner,
  audioSetCombinerLoss,
  type CombinerExample,
  type FitCombinerOptions,
  type FitCombinerResult,
} from './audioset/fit-combiner';
export {
  toWireClassification,
  fromWireClassification,
  type WireClassification,
  type WireAudioSetTag,
  type WireWindow,
  type WireClassificationMetadata,
} from './wire/classification-wire';
export { toWireHistory, fromWireHistory, type TrainingHistory, type WireTrainingHistory } from './wire/history-wire';
export { toWireEvaluation, fromWireEvaluation, type WireEvaluationReport, type WireClassMetrics } from './wire/evaluation-wire';
export {
  computeClassificationMetrics,
  type EvaluationReport,
  type ClassMetrics,
  type MetricsOptions,
} from './metrics/classification-metrics';
export { evaluate, type EvaluateOptions, type EvaluationResult, type ClipPrediction } from './metrics/evaluate';
export { createPrng, shuffled } from './synthetic/prng';
export { powerLawNoise, NOISE_COLOUR_EXPONENTS } from './synthetic/coloured-noise';
export { ISO_8201_T3, t3CycleSeconds, t3PulseOffsets, t3IsOn, type T3Timing } from './synthetic/alarm-pattern';
export {
  SYNTHETIC_KINDS,
  SYNTHETIC_LABELS,
  generateSyntheticClip,
  generateSyntheticSet,
  mixAtSnr,
  type SyntheticKind,
  type SyntheticClip,
  type SyntheticClipOptions,
  type SyntheticSetOptions,
} from './synthetic/synthetic-clips';
export {
  NoiseDataset,
  type NoiseDatasetOptions,
  type DatasetSource,
  type SampleSource,
  type DatasetFileAccess,
  type DatasetItem,
  type DatasetSplit,
} from './data/noise-dataset';
export { augmentSpectrogram, applyRandomEq, cropWindow, type SpectrogramAugmentOptions } from './data/augment';
export { parseCsv, parseCsvRecords } from './data/csv';
export { parseManifest, type ManifestEntry } from './data/manifest';
export { joinLocation, dirnameOf, basenameOf, isAbsoluteLocation } from './data/paths';
export {
  createMemoryCacheStore,
  sha256Hex,
  featureConfigHash,
  encodeSpectrogram,
  decodeSpectrogram,
  type FeatureCacheStore,
} from './data/feature-cache';
export { LabelDebouncer } from './streaming/label-debouncer';
export { StreamResampler, type ResampleFn } from './streaming/stream-resampler';
export { ToneTracker, type ToneFrame, type ToneTrackerOptions } from './emergency/tone-tracker';
export { T3Matcher, type T3Match, type T3MatcherOptions, type TonePulse } from './emergency/t3-matcher';
export {
  EmergencyNoiseDetector,
  type EmergencyDetectorOptions,
  type EmergencyEvent,
  type AlarmProbabilitySource,
  type AlarmProbabilityWindow,
} from './emergency/emergency-detector';
export { modelAlarmSource } from './emergency/model-alarm-source';
export { audioSetAlarmSource, type AudioSetAlarmSourceOptions } from './emergency/audioset-alarm-source';

// ---------------------------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------------------------
export { train, trainModel, type TrainOptions, type TrainOutcome } from './training/train';
export {
  Trainer,
  predictSource,
  clipLossAndAccuracy,
  readWeights,
  writeWeights,
  batchGradients,
  type Batch,
  type GradientHelper,
  type TrainerOptions,
  type TrainingProgress,
  type TrainingResult,
  type EpochSummary,
} from './training/trainer';
export { fineTune, type FineTuneOptions, type FineTuneResult } from './training/fine-tune';
export {
  EFFICIENTAT_MN04,
  PRETRAINED_BACKBONES,
  loadPretrainedBackbone,
  type LoadPretrainedOptions,
  type PretrainedBackbone,
  type PretrainedBackboneSpec,
} from './training/pretrained/pretrained-backbone';
export { PRETRAINED_ROOT_ENV, resolvePretrainedLocation, type ResolvePretrainedOptions, type ResolvedPretrained } from './training/pretrained/pretrained-location';
export { embedWindows, headInputTensor, type EmbedOptions, type HeadInput, type WindowEmbeddings } from './training/pretrained/window-embeddings';
export { reapplyLayers } from './training/pretrained/reapply-layers';
export {
  AUDIOSET_OUTPUT_LAYER,
  featureUnitsPerDb,
  trainPretrained,
  type FineTuneStage,
  type TrainPretrainedOptions,
  type TrainPretrainedOutcome,
} from './training/pretrained/train-pretrained';
export type { BatchGradients, GradientEngine, GradientEngineFactory } from './training/gradient-engine';
export { createOnnxGradientEngine, type OnnxGradientEngineOptions } from './training/onnx-gradient-engine';
export { AdamW, type AdamWOptions, type AdamWParam, type AdamWState } from './training/adamw';
export {
  CHECKPOINT_FILE,
  encodeCheckpoint,
  decodeCheckpoint,
  createMemoryCheckpointStore,
  type CheckpointStore,
  type TrainingCheckpoint,
  type NamedArray,
} from './training/checkpoint';
export { resolveClassWeights } from './training/class-weights';
export { selectTrainingBackend } from './training/training-backend';
export { registerWasmTrainingKernels } from './training/wasm-grad-kernels';
export {
  examplesSource,
  datasetSource,
  repeatSource,
  toWindowSource,
  type WindowSource,
  type TrainingExamples,
} from './training/window-source';
export { trainingReportHtml, curvesSvg, confusionSvg, type TrainingReportInput } from './training/training-report';
