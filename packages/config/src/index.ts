export {
  NoiseClassifierError,
  isNoiseClassifierError,
  describeValue,
  type NoiseClassifierErrorCode,
  type NoiseClassifierErrorDetails,
} from './errors';
export {
  NOISE_GROUPS,
  NOISE_CATEGORIES,
  NOISE_LABELS,
  NUM_NOISE_CLASSES,
  EMERGENCY_LABELS,
  labelIndex,
  getCategory,
  categoriesInGroup,
  isEmergencyLabel,
  type NoiseGroup,
  type NoiseCategory,
} from './taxonomy';
export { AUDIOSET_CLASSES } from './audioset-classes';
export {
  AUDIOSET_LABEL_MAP,
  AUDIOSET_MAPPED_LABELS,
  LABEL_SOURCES,
  audioSetMapEntry,
  type AudioSetEvidenceClass,
  type AudioSetLabelMapEntry,
  type MappedLabel,
  type UnmappedLabel,
  type LabelSource,
} from './audioset-label-map';
export {
  createAudioFeatureConfig,
  DEFAULT_AUDIO_FEATURE_CONFIG,
  EFFICIENTAT_MN04_FEATURE_CONFIG,
  AUDIO_FEATURE_CONFIG_KEYS,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  windowDurationSeconds,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
  type MelScale,
  type MelNorm,
  type PadMode,
  type LogScale,
} from './audio-feature-config';
export {
  createModelConfig,
  MODEL_CONFIG_KEYS,
  DEFAULT_ARCHITECTURE,
  type ModelConfig,
  type InputChannels,
} from './model-config';
export {
  createTrainingConfig,
  TRAINING_CONFIG_KEYS,
  type TrainingConfig,
  type TrainingDevice,
  type ClassWeighting,
} from './training-config';
export {
  createInferenceConfig,
  INFERENCE_CONFIG_KEYS,
  type InferenceConfig,
  type InferenceDevice,
  type InferenceBackendName,
  type WindowAggregation,
} from './inference-config';
export { snakeToCamel, camelToSnake, normalizeKeys, toSnakeCaseKeys } from './keys';
export {
  checkInteger,
  checkNumber,
  checkBoolean,
  checkString,
  checkOneOf,
  checkOptional,
  checkNullable,
  checkStringArray,
  checkObject,
} from './field-checks';
