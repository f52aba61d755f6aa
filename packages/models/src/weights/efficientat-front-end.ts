import {
  AUDIO_FEATURE_CONFIG_KEYS,
  EFFICIENTAT_MN04_FEATURE_CONFIG,
  NoiseClassifierError,
  createAudioFeatureConfig,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
} from '@noise-classifier/config';

/** Fields that do not change what the network sees: the window length (any number of frames works) and the rest. */
const FREE_FIELDS = new Set<string>(['spectrogramWidth', 'enableAugmentation', 'nMfcc', 'amin']);

/**
 * Checks that a feature config computes the input EfficientAT's AudioSet weights were trained on
 * (`EFFICIENTAT_MN04_FEATURE_CONFIG`: 32 kHz, Kaldi mel banks, ln, (x + 4.5) / 5, …). Any other front end gives
 * a silently wrong model, so a difference is E_MODEL_MISMATCH naming `source`, the field, both values.
 * Only `spectrogramWidth` (frames per window), `enableAugmentation`, `nMfcc` and `amin` may differ.
 */
export function checkEfficientAtFrontEnd(featureConfig: AudioFeatureConfig | AudioFeatureConfigInput, options: { readonly source?: string } = {}): void {
  const config = createAudioFeatureConfig(featureConfig) as unknown as Record<string, unknown>;
  const expected = EFFICIENTAT_MN04_FEATURE_CONFIG as unknown as Record<string, unknown>;
  for (const key of AUDIO_FEATURE_CONFIG_KEYS) {
    if (FREE_FIELDS.has(key) || Object.is(config[key], expected[key])) continue;
    throw new NoiseClassifierError(
      'E_MODEL_MISMATCH',
      `${options.source ?? 'The EfficientAT weights'}: the feature config's ${key} differs from the front end the weights were trained on (EFFICIENTAT_MN04_FEATURE_CONFIG)`,
      { field: `featureConfig.${key}`, expected: JSON.stringify(expected[key]), received: JSON.stringify(config[key]) },
    );
  }
}
