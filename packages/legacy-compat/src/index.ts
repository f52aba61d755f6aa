// Deprecation machinery (not deprecated itself).
export {
  DEPRECATIONS,
  NO_DEPRECATION_ENV,
  deprecationMessage,
  resetDeprecationWarnings,
  silenceDeprecations,
  warnDeprecated,
  type DeprecatedSymbol,
  type DeprecationCode,
  type DeprecationOptions,
} from './deprecation';

// librosa conventions as a preset of the one front end.
export { LIBROSA_FEATURE_OVERRIDES, LIBROSA_FEATURE_PRESET, createLibrosaFeatureConfig } from './librosa-preset';

// The seed's V2 API, each symbol deprecated and mapped onto the new packages.
export {
  NoiseClassifierV2,
  type NoiseClassifierV2Options,
  type LegacyClassification,
} from './noise-classifier-v2';
export { setLegacyRuntime, getLegacyRuntime, type LegacyRuntime } from './default-runtime';
export { AudioFeatureExtractor, LibrosaFeatureExtractor, type LegacySamples } from './audio-feature-extractor';
export {
  MLService,
  ML_MODEL_V2_PATH_ENV,
  type MLServiceOptions,
  type ClassifyNoiseRequest,
  type LegacyNoiseClassification,
} from './ml-service';
export {
  NoiseClassifierTrainer,
  type LegacyTrainingConfig,
  type LegacyTrainingHistory,
  type LegacyTrainingSet,
  type NoiseClassifierTrainerOptions,
} from './noise-classifier-trainer';
export { EmergencyNoiseDetector, type LegacyEmergencyDetectorOptions } from './emergency-noise-detector';
