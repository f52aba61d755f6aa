import type { AudioFeatureConfig, AudioFeatureConfigInput } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor, type CreateFeatureExtractorOptions, type Spectrogram } from '@noise-classifier/features';
import { warnDeprecated, type DeprecationOptions } from './deprecation';
import { createLibrosaFeatureConfig } from './librosa-preset';
import { withOldTerms, withOldTermsSync } from './old-terms';

/** Mono samples at the configured sample rate, as the old extractors took them. */
export type LegacySamples = Float32Array | Float64Array | readonly number[];

// The old extractors' errors name the config fields as the seed's Python did.
const OLD_FIELD_NAMES = {
  sampleRate: 'sample_rate',
  nFft: 'n_fft',
  hopLength: 'hop_length',
  winLength: 'win_length',
  nMels: 'n_mels',
  nMfcc: 'n_mfcc',
  fMin: 'f_min',
  fMax: 'f_max',
};

/**
 * Shared body of the two old extractor names: every call goes to one `TorchAudioFeatureExtractor`, which is
 * the only front end; the subclasses differ in their default config and in which name warns.
 */
abstract class DelegatingExtractor {
  /** The new extractor doing the work (use it directly to migrate). */
  readonly extractor: TorchAudioFeatureExtractor;

  protected constructor(extractor: TorchAudioFeatureExtractor) {
    this.extractor = extractor;
  }

  get config(): AudioFeatureConfig {
    return this.extractor.config;
  }

  /** dB log-mel spectrogram, row-major [nMels × frames]. */
  extractMelSpectrogram(audio: LegacySamples): Spectrogram {
    return withOldTermsSync(OLD_FIELD_NAMES, () => this.extractor.extractMelSpectrogram(audio));
  }

  /** The seed's spelling of `extractMelSpectrogram`. */
  extract_mel_spectrogram(audio: LegacySamples): Spectrogram {
    return this.extractMelSpectrogram(audio);
  }

  /** MFCC (DCT-II, ortho, over the dB mel spectrogram), row-major [nMfcc × frames]. */
  extractMfcc(audio: LegacySamples): Spectrogram {
    return withOldTermsSync(OLD_FIELD_NAMES, () => this.extractor.extractMfcc(audio));
  }

  /** The seed's spelling of `extractMfcc`. */
  extract_mfcc(audio: LegacySamples): Spectrogram {
    return this.extractMfcc(audio);
  }

  /** Frees the FFT backend (WebAssembly memory when created with `create`). */
  dispose(): void {
    this.extractor.dispose();
  }
}

/**
 * The seed's `AudioFeatureExtractor(AudioFeatureConfig())` from `noise_classifier_v2`: torchaudio conventions,
 * config fields in camelCase or the seed's snake_case (or an existing `TorchAudioFeatureExtractor` to wrap).
 *
 * @deprecated Use `TorchAudioFeatureExtractor` from `@noise-classifier/features` (same constructor argument,
 * same results; `await TorchAudioFeatureExtractor.create(config)` also picks the SIMD FFT). Warning code NCV2_002.
 */
export class AudioFeatureExtractor extends DelegatingExtractor {
  constructor(config: AudioFeatureConfigInput | AudioFeatureConfig | TorchAudioFeatureExtractor = {}, options: DeprecationOptions = {}) {
    warnDeprecated('AudioFeatureExtractor', options);
    super(
      config instanceof TorchAudioFeatureExtractor
        ? config
        : withOldTermsSync(OLD_FIELD_NAMES, () => new TorchAudioFeatureExtractor(config)),
    );
  }

  /**
   * Like the constructor, with the fastest FFT that loads (see `TorchAudioFeatureExtractor.create`).
   * @deprecated Use `TorchAudioFeatureExtractor.create` from `@noise-classifier/features`. Warning code NCV2_002.
   */
  static async create(
    config: AudioFeatureConfigInput | AudioFeatureConfig = {},
    options: CreateFeatureExtractorOptions & DeprecationOptions = {},
  ): Promise<AudioFeatureExtractor> {
    warnDeprecated('AudioFeatureExtractor', options);
    const extractor = await withOldTerms(OLD_FIELD_NAMES, () => TorchAudioFeatureExtractor.create(config, options));
    return new AudioFeatureExtractor(extractor, { silenceDeprecation: true });
  }
}

/**
 * The seed's legacy librosa extractor (`feature_extraction`): librosa's conventions (Slaney mel scale and
 * norm, zero centre padding, `power_to_db(ref=1, amin=1e-10, top_db=80)`) as a preset of the one front end
 * (`createLibrosaFeatureConfig`), not a second implementation. `overrides` change any field, e.g. `{ sample_rate: 22050 }`.
 *
 * @deprecated Use `new TorchAudioFeatureExtractor(createLibrosaFeatureConfig(overrides))`, or move to the
 * torchaudio defaults (models are trained on those). Warning code NCV2_003.
 */
export class LibrosaFeatureExtractor extends DelegatingExtractor {
  constructor(overrides: AudioFeatureConfigInput = {}, options: DeprecationOptions = {}) {
    warnDeprecated('LibrosaFeatureExtractor', options);
    super(withOldTermsSync(OLD_FIELD_NAMES, () => new TorchAudioFeatureExtractor(createLibrosaFeatureConfig(overrides))));
  }
}
