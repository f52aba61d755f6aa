// ---------------------------------------------------------------------------------------------------------------
// The one entry point: a recipe in, a self-describing ONNX model, its history and report out
// ---------------------------------------------------------------------------------------------------------------
export { train } from './recipe/run-recipe';
export type { TrainingRecipe, PretrainedRecipe, TrainingData, TrainingPlatform, TrainRunOptions, TrainedRun } from './recipe/training-recipe';
export { serviceTrainer } from './recipe/service-trainer';
export {
  loadTrainingData,
  withSyntheticClips,
  withoutFolds,
  splitForTraining,
  augmentationFor,
  type TrainingDataOptions,
  type SplitOptions,
} from './data/training-data';

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------
export { trainModel, type TrainOptions, type TrainOutcome } from './train';
export {
  Trainer,
  predictSource,
  clipLossAndAccuracy,
  readWeights,
  writeWeights,
  batchGradients,
  type Batch,
  type TrainerOptions,
  type TrainingProgress,
  type TrainingResult,
  type EpochSummary,
} from './trainer';
export { fineTune, type FineTuneOptions, type FineTuneResult } from './fine-tune';
export {
  EFFICIENTAT_MN04,
  PRETRAINED_BACKBONES,
  loadPretrainedBackbone,
  type LoadPretrainedOptions,
  type PretrainedBackbone,
  type PretrainedBackboneSpec,
} from './pretrained/pretrained-backbone';
export { PRETRAINED_ROOT_ENV, resolvePretrainedLocation, type ResolvePretrainedOptions, type ResolvedPretrained } from './pretrained/pretrained-location';
export { embedWindows, headInputTensor, type EmbedOptions, type HeadInput, type WindowEmbeddings } from './pretrained/window-embeddings';
export { reapplyLayers } from './pretrained/reapply-layers';
export { fitLogisticHead, type LinearHeadWeights, type LogisticHeadOptions } from './pretrained/logistic-head';
export {
  AUDIOSET_OUTPUT_LAYER,
  featureUnitsPerDb,
  trainPretrained,
  type FineTuneStage,
  type HeadFit,
  type TrainPretrainedOptions,
  type TrainPretrainedOutcome,
} from './pretrained/train-pretrained';
export type { BatchGradients, GradientEngine, GradientEngineFactory } from './gradient-engine';
export {
  buildTrainingGraph,
  TRAINING_GRAPH_IO,
  type TrainingGraph,
  type TrainingGraphOptions,
  type TrainingGraphWeight,
  type TrainingGraphMask,
  type TrainingGraphBatchNorm,
} from './graph/training-graph';
export type { KernelGradientStrategy } from './graph/kernel-gradients';
export { createOnnxGradientEngine, type OnnxGradientEngineOptions } from './onnx-gradient-engine';
export { AdamW, type AdamWOptions, type AdamWParam, type AdamWState } from './adamw';
export {
  CHECKPOINT_FILE,
  encodeCheckpoint,
  decodeCheckpoint,
  createMemoryCheckpointStore,
  type CheckpointStore,
  type TrainingCheckpoint,
  type NamedArray,
} from './checkpoint';
export { resolveClassWeights } from './class-weights';
export { selectTrainingBackend } from './training-backend';
export { registerWasmTrainingKernels } from './wasm-grad-kernels';
export {
  examplesSource,
  datasetSource,
  repeatSource,
  toWindowSource,
  type WindowSource,
  type TrainingExamples,
} from './window-source';
export { trainingReportHtml, curvesSvg, confusionSvg, type TrainingReportInput } from './training-report';
