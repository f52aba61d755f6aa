import { NoiseClassifierError } from './errors';
import { checkBoolean, checkInteger, checkNullable, checkNumber, checkOneOf } from './field-checks';
import { normalizeKeys } from './keys';

export type MelScale = 'htk' | 'slaney';
export type MelNorm = 'slaney' | null;
export type PadMode = 'reflect' | 'constant' | 'replicate';

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
}

export const AUDIO_FEATURE_CONFIG_KEYS = [
  'sampleRate', 'nFft', 'winLength', 'hopLength', 'nMels', 'nMfcc', 'spectrogramHeight', 'spectrogramWidth',
  'enableAugmentation', 'fMin', 'fMax', 'melScale', 'melNorm', 'power', 'center', 'padMode', 'topDb', 'amin',
] as const satisfies readonly (keyof AudioFeatureConfig)[];

export const MAX_SAMPLE_RATE = 384_000;

export type AudioFeatureConfigInput = Partial<AudioFeatureConfig> | Record<string, unknown>;

/** Fills the seed's defaults and validates every field; accepts camelCase or snake_case keys. */
export function createAudioFeatureConfig(input: AudioFeatureConfigInput = {}): AudioFeatureConfig {
  const v = normalizeKeys('AudioFeatureConfig', input, AUDIO_FEATURE_CONFIG_KEYS, { f_min: 'fMin', f_max: 'fMax' });
  const sampleRate = checkInteger('sampleRate', v.sampleRate ?? 48_000, 1_000, MAX_SAMPLE_RATE);
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
    melScale: checkOneOf('melScale', v.melScale ?? 'htk', ['htk', 'slaney'] as const),
    melNorm: checkOneOf('melNorm', v.melNorm === undefined ? null : v.melNorm, [null, 'slaney'] as const),
    power: checkNumber('power', v.power ?? 2, { min: 0, minExclusive: true, max: 4 }),
    center: checkBoolean('center', v.center ?? true),
    padMode: checkOneOf('padMode', v.padMode ?? 'reflect', ['reflect', 'constant', 'replicate'] as const),
    topDb: checkNullable(v.topDb === undefined ? 80 : v.topDb, (x) => checkNumber('topDb', x, { min: 0, minExclusive: true })),
    amin: checkNumber('amin', v.amin ?? 1e-10, { min: 0, minExclusive: true, max: 1 }),
  };
  return Object.freeze(config);
}

/** The seed's defaults, frozen. */
export const DEFAULT_AUDIO_FEATURE_CONFIG: AudioFeatureConfig = createAudioFeatureConfig();

/** Duration in seconds covered by one model input window of `spectrogramWidth` frames (centred frames). */
export function windowDurationSeconds(config: AudioFeatureConfig): number {
  return ((config.spectrogramWidth - 1) * config.hopLength) / config.sampleRate;
}
