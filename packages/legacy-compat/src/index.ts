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
