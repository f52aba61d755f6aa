import {
  AUDIO_FEATURE_CONFIG_KEYS,
  createAudioFeatureConfig,
  normalizeKeys,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
} from '@noise-classifier/config';

/**
 * librosa's conventions for `feature.melspectrogram` + `power_to_db`, expressed as fields of the one front end
 * (`TorchAudioFeatureExtractor`): Slaney mel scale and Slaney area norm (librosa's `htk=False, norm='slaney'`),
 * power 2, periodic Hann window, centred frames with zero ('constant') padding as librosa ≥ 0.10 does, and
 * `power_to_db(ref=1.0, amin=1e-10, top_db=80)`. Sizes stay the seed's (48 kHz, n_fft 2048, hop 512, 128 mels,
 * 40 MFCCs) so features line up with the rest of the system; differences from librosa are listed in the README.
 */
export const LIBROSA_FEATURE_OVERRIDES = Object.freeze({
  melScale: 'slaney',
  melNorm: 'slaney',
  power: 2,
  center: true,
  padMode: 'constant',
  topDb: 80,
  amin: 1e-10,
  fMin: 0,
} as const satisfies Partial<AudioFeatureConfig>);

/**
 * A full `AudioFeatureConfig` with librosa's conventions; `overrides` (camelCase or snake_case, validated as any
 * config) win, e.g. `{ sampleRate: 22050 }` for librosa.load's default rate or `{ padMode: 'reflect' }` for librosa < 0.10.
 */
export function createLibrosaFeatureConfig(overrides: AudioFeatureConfigInput = {}): AudioFeatureConfig {
  // Normalise first so a snake_case override (pad_mode) replaces the preset's camelCase field instead of clashing.
  const given = normalizeKeys('AudioFeatureConfig', overrides, AUDIO_FEATURE_CONFIG_KEYS, { f_min: 'fMin', f_max: 'fMax' });
  return createAudioFeatureConfig({ ...LIBROSA_FEATURE_OVERRIDES, ...given });
}

/** The librosa preset at the seed's sizes (48 kHz, n_fft 2048, hop 512, 128 mels), frozen. */
export const LIBROSA_FEATURE_PRESET: AudioFeatureConfig = createLibrosaFeatureConfig();
