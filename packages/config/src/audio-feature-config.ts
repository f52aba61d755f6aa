import { NoiseClassifierError } from './errors';
import { checkBoolean, checkInteger, checkNullable, checkNumber, checkOneOf } from './field-checks';
import { normalizeKeys } from './keys';

/** 'htk' and 'slaney': torchaudio melscale_fbanks; 'kaldi': torchaudio.compliance.kaldi.get_mel_banks (1127·ln(1 + f/700)). */
export type MelScale = 'htk' | 'slaney' | 'kaldi';
export type MelNorm = 'slaney' | null;
export type PadMode = 'reflect' | 'constant' | 'replicate';
/** 'db': AmplitudeToDB (10·log10, amin, topDb); 'log': natural log of (mel + logOffset). */
export type LogScale = 'db' | 'log';

/** Front-end parameters. Field meanings and defaults follow the seed and torchaudio 0.13. */
export interface AudioFeatureConfig {
  /** Rate every input is resampled to, Hz. */
  readonly sampleRate: number;
  readonly nFft: number;
  /** Window length in samples (≤ nFft; the window is zero-padded to nFft, centred, as torch.stft does). */
  readonly winLength: number;
  readonly hopLength: number;
  readonly nMels: number;
  readonly nMfcc: number;
  /** Model input height in mel bins. */
  readonly spectrogramHeight: number;
  /** Model input width in frames. */
  readonly spectrogramWidth: number;
  readonly enableAugmentation: boolean;
  readonly fMin: number;
  /** Upper mel edge in Hz; defaults to sampleRate / 2. */
  readonly fMax: number;
  readonly melScale: MelScale;
  readonly melNorm: MelNorm;
  /** Exponent of the magnitude spectrogram (2 = power). */
  readonly power: number;
  readonly center: boolean;
  readonly padMode: PadMode;
  /** AmplitudeToDB top_db, applied per spectrogram; null disables clamping. */
  readonly topDb: number | null;
  /** AmplitudeToDB amin (floor before log10). */
  readonly amin: number;
  /**
   * Pre-emphasis coefficient c: y[n] = x[n+1] − c·x[n] before the STFT, a valid 2-tap filter, so the signal
   * gets one sample shorter (EfficientAT: 0.97). null (default): none.
   */
  readonly preEmphasis: number | null;
  /** Hann window: periodic (torch.hann_window default, true) or symmetric (periodic=False). */
  readonly windowPeriodic: boolean;
  /** How mel power becomes the model's log-mel: 'db' (default, AmplitudeToDB) or 'log' (ln(x + logOffset)). */
  readonly logScale: LogScale;
  /** Added to the mel power before the natural log when logScale is 'log'. */
  readonly logOffset: number;
  /** Affine normalisation after the log step: (x − normalizeMean) / normalizeStd. Defaults 0 and 1 (none). */
  readonly normalizeMean: number;
  readonly normalizeStd: number;
}

export const AUDIO_FEATURE_CONFIG_KEYS = [
  'sampleRate', 'nFft', 'winLength', 'hopLength', 'nMels', 'nMfcc', 'spectrogramHeight', 'spectrogramWidth',
  'enableAugmentation', 'fMin', 'fMax', 'melScale', 'melNorm', 'power', 'center', 'padMode', 'topDb', 'amin',
  'preEmphasis', 'windowPeriodic', 'logScale', 'logOffset', 'normalizeMean', 'normalizeStd',
] as const satisfies readonly (keyof AudioFeatureConfig)[];

/** Range of sample rates accepted anywhere (configs, decoded files): 1 kHz to 384 kHz. */
export const MIN_SAMPLE_RATE = 1_000;
export const MAX_SAMPLE_RATE = 384_000;

export type AudioFeatureConfigInput = Partial<AudioFeatureConfig> | Record<string, unknown>;

/** Fills the seed's defaults and validates every field; accepts camelCase or snake_case keys. */
export function createAudioFeatureConfig(input: AudioFeatureConfigInput = {}): AudioFeatureConfig {
  const v = normalizeKeys('AudioFeatureConfig', input, AUDIO_FEATURE_CONFIG_KEYS, { f_min: 'fMin', f_max: 'fMax' });
  const sampleRate = checkInteger('sampleRate', v.sampleRate ?? 48_000, MIN_SAMPLE_RATE, MAX_SAMPLE_RATE);
  const nFft = checkInteger('nFft', v.nFft ?? 2048, 2, 1 << 16);
  const winLength = checkInteger('winLength', v.winLength ?? nFft, 1, nFft);
  const nMels = checkInteger('nMels', v.nMels ?? 128, 1, 2048);
  const fMin = checkNumber('fMin', v.fMin ?? 0, { min: 0, max: sampleRate / 2, maxExclusive: true });
  const fMax = checkNumber('fMax', v.fMax ?? sampleRate / 2, { min: 0, max: sampleRate / 2 });
  if (fMax <= fMin) {
    throw new NoiseClassifierError('E_CONFIG', 'fMax must be above fMin', {
      field: 'fMax',
      expected: `a frequency above fMin (${fMin} Hz) and at most sampleRate / 2 (${sampleRate / 2} Hz)`,
      received: String(fMax),
    });
  }
  const melScale = checkOneOf('melScale', v.melScale ?? 'htk', ['htk', 'slaney', 'kaldi'] as const);
  const melNorm = checkOneOf('melNorm', v.melNorm === undefined ? null : v.melNorm, [null, 'slaney'] as const);
  if (melScale === 'kaldi') checkKaldiBanks(nFft, melNorm);
  const logScale = checkOneOf('logScale', v.logScale ?? 'db', ['db', 'log'] as const);
  // top_db clamps dB values; in natural-log output it has no meaning, so it defaults to null there.
  const topDb = checkNullable(v.topDb === undefined ? (logScale === 'db' ? 80 : null) : v.topDb, (x) =>
    checkNumber('topDb', x, { min: 0, minExclusive: true }),
  );
  if (logScale === 'log' && topDb !== null) {
    throw new NoiseClassifierError('E_CONFIG', "topDb applies only to logScale 'db'", {
      field: 'topDb',
      expected: "null when logScale is 'log'",
      received: String(topDb),
    });
  }
  const config: AudioFeatureConfig = {
    sampleRate,
    nFft,
    winLength,
    hopLength: checkInteger('hopLength', v.hopLength ?? 512, 1, 1 << 16),
    nMels,
    nMfcc: checkInteger('nMfcc', v.nMfcc ?? 40, 1, nMels),
    spectrogramHeight: checkInteger('spectrogramHeight', v.spectrogramHeight ?? 128, 1, 4096),
    spectrogramWidth: checkInteger('spectrogramWidth', v.spectrogramWidth ?? 128, 1, 65_536),
    enableAugmentation: checkBoolean('enableAugmentation', v.enableAugmentation ?? true),
    fMin,
    fMax,
    melScale,
    melNorm,
    power: checkNumber('power', v.power ?? 2, { min: 0, minExclusive: true, max: 4 }),
    center: checkBoolean('center', v.center ?? true),
    padMode: checkOneOf('padMode', v.padMode ?? 'reflect', ['reflect', 'constant', 'replicate'] as const),
    topDb,
    amin: checkNumber('amin', v.amin ?? 1e-10, { min: 0, minExclusive: true, max: 1 }),
    preEmphasis: checkNullable(v.preEmphasis === undefined ? null : v.preEmphasis, (x) =>
      checkNumber('preEmphasis', x, { min: 0, minExclusive: true, max: 1 }),
    ),
    windowPeriodic: checkBoolean('windowPeriodic', v.windowPeriodic ?? true),
    logScale,
    logOffset: checkNumber('logOffset', v.logOffset ?? 1e-5, { min: 0, minExclusive: true, max: 1 }),
    normalizeMean: checkNumber('normalizeMean', v.normalizeMean ?? 0),
    normalizeStd: checkNumber('normalizeStd', v.normalizeStd ?? 1, { min: 0, minExclusive: true }),
  };
  return Object.freeze(config);
}

/** Kaldi's get_mel_banks has no area normalisation and splits an even FFT length into nFft / 2 bins. */
function checkKaldiBanks(nFft: number, melNorm: MelNorm): void {
  if (melNorm !== null) {
    throw new NoiseClassifierError('E_CONFIG', "melNorm must be null with melScale 'kaldi'", {
      field: 'melNorm',
      expected: "null (Kaldi mel banks are not area-normalised) when melScale is 'kaldi'",
      received: JSON.stringify(melNorm),
    });
  }
  if (nFft % 2 !== 0) {
    throw new NoiseClassifierError('E_CONFIG', "melScale 'kaldi' needs an even nFft", {
      field: 'nFft',
      expected: "an even FFT length when melScale is 'kaldi'",
      received: String(nFft),
    });
  }
}

/** The seed's defaults, frozen. */
export const DEFAULT_AUDIO_FEATURE_CONFIG: AudioFeatureConfig = createAudioFeatureConfig();

/** Duration in seconds covered by one model input window of `spectrogramWidth` frames (centred frames). */
export function windowDurationSeconds(config: AudioFeatureConfig): number {
  return ((config.spectrogramWidth - 1) * config.hopLength) / config.sampleRate;
}

/**
 * The front end EfficientAT's AudioSet-pretrained MobileNets (`mn04_as`, ../shared/pretrained) were trained with
 * (its models/preprocess.py in eval mode): 32 kHz, pre-emphasis 0.97, STFT n_fft 1024 / hop 320 / symmetric Hann
 * of 800 centred in 1024 / reflect padding, power, 128 Kaldi mel banks 0–15000 Hz, ln(x + 1e-5), (x + 4.5) / 5.
 *
 * spectrogramWidth 500: the network accepts any number of frames; 500 frames are exactly a 5 s clip at 32 kHz
 * (160 000 samples, 159 999 after pre-emphasis → 1 + ⌊159 999 / 320⌋ = 500), the length of an ESC-50 clip and
 * just over UrbanSound8K's 4 s maximum, so one window covers a whole clip of either dataset.
 */
export const EFFICIENTAT_MN04_FEATURE_CONFIG: AudioFeatureConfig = createAudioFeatureConfig({
  sampleRate: 32_000,
  nFft: 1024,
  winLength: 800,
  hopLength: 320,
  nMels: 128,
  spectrogramHeight: 128,
  spectrogramWidth: 500,
  fMin: 0,
  fMax: 15_000,
  melScale: 'kaldi',
  melNorm: null,
  power: 2,
  center: true,
  padMode: 'reflect',
  preEmphasis: 0.97,
  windowPeriodic: false,
  logScale: 'log',
  logOffset: 1e-5,
  topDb: null,
  normalizeMean: -4.5,
  normalizeStd: 5,
});
