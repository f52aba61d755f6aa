// `src.ml.feature_extraction` of the seed (the legacy librosa extractor): `@noise-classifier/legacy-compat/feature_extraction`.
export {
  LibrosaFeatureExtractor,
  LIBROSA_FEATURE_PRESET,
  createLibrosaFeatureConfig,
} from '@noise-classifier/legacy-compat';
