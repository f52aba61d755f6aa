// `src.ml.noise_classifier_v2` of the seed: `@noise-classifier/legacy-compat/noise_classifier_v2`.
// Re-exported through the package itself so the root and this path share one copy of every class.
export {
  NoiseClassifierV2,
  AudioFeatureExtractor,
  type NoiseClassifierV2Options,
  type LegacyClassification,
} from '@noise-classifier/legacy-compat';
