import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { NoiseClassifierError, createAudioFeatureConfig, type AudioFeatureConfig } from '@noise-classifier/config';
import { DEFAULT_MAX_DURATION_SECONDS, TorchAudioFeatureExtractor, decodeAudio, prepareAudio, type Spectrogram } from '@noise-classifier/features';
import { encodeNpy } from '../output/npy';
import { renderSpectrogramPng } from '../output/spectrogram-png';
import type { CliIo, CommandModule } from './command-module';

export const FEATURE_KINDS = ['mel_power', 'mel_db', 'mfcc'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

export interface FeaturesOptions {
  readonly kind: FeatureKind;
  readonly out?: string;
  readonly png?: string;
  /** Any AudioFeatureConfig fields (camelCase or snake_case), e.g. { melScale: 'slaney', nMels: 64 }. */
  readonly config?: Record<string, unknown>;
  readonly fft?: 'auto' | 'fftjs' | 'pffft';
  /** Longest accepted audio in seconds (default 600, as prepareAudio). */
  readonly maxDurationSeconds?: number;
}

export interface FeaturesResult {
  readonly spectrogram: Spectrogram;
  readonly config: AudioFeatureConfig;
  readonly sourceSampleRate: number;
  readonly durationSeconds: number;
  readonly fftBackend: string;
}

/** Reads an audio file, computes the requested features and writes .npy and/or .png. The command's whole job, testable without a process. */
export async function runFeatures(file: string, options: FeaturesOptions): Promise<FeaturesResult> {
  if (!FEATURE_KINDS.includes(options.kind)) {
    throw new NoiseClassifierError('E_CONFIG', 'Unknown feature kind', { field: 'kind', expected: FEATURE_KINDS.join(' | '), received: String(options.kind) });
  }
  if (!options.out && !options.png) {
    throw new NoiseClassifierError('E_CONFIG', 'Nothing to write', { field: 'out', expected: '--out <file.npy> and/or --png <file.png>', received: 'neither' });
  }
  const config = createAudioFeatureConfig(options.config ?? {});
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new NoiseClassifierError('E_BAD_AUDIO', `Cannot read audio file ${file}`, { field: 'file', expected: 'a readable audio file', received: (error as Error).message, cause: error });
  }
  const decoded = await decodeAudio(bytes, { maxDurationSeconds: options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS });
  const samples = await prepareAudio(decoded.samples, { sampleRate: decoded.sampleRate, config, maxDurationSeconds: options.maxDurationSeconds });
  const extractor = await TorchAudioFeatureExtractor.create(config, { fft: options.fft ?? 'auto' });
  try {
    const spectrogram =
      options.kind === 'mel_power' ? extractor.melPowerSpectrogram(samples) : options.kind === 'mel_db' ? extractor.extractMelSpectrogram(samples) : extractor.extractMfcc(samples);
    if (options.out) await writeFile(options.out, encodeNpy(spectrogram.data, [spectrogram.bins, spectrogram.frames]));
    if (options.png) await writeFile(options.png, renderSpectrogramPng(options.kind === 'mel_power' ? powerToDisplayDb(spectrogram, config) : spectrogram));
    return { spectrogram, config, sourceSampleRate: decoded.sampleRate, durationSeconds: decoded.durationSeconds, fftBackend: extractor.fftBackend };
  } finally {
    extractor.dispose();
  }
}

/** Power is unreadable on a linear colour scale: show it in dB, clamped to topDb (80 dB) below the peak. */
function powerToDisplayDb(spec: Spectrogram, config: AudioFeatureConfig): Spectrogram {
  const data = spec.data.map((p) => 10 * Math.log10(Math.max(p, config.amin)));
  const peak = data.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  const floor = peak - (config.topDb ?? 80);
  return { data: data.map((v) => Math.max(v, floor)), bins: spec.bins, frames: spec.frames };
}

const integer = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new NoiseClassifierError('E_CONFIG', `--${name} must be an integer`, { field: name, expected: 'an integer', received: JSON.stringify(value) });
  return n;
};
const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new NoiseClassifierError('E_CONFIG', `--${name} must be a number`, { field: name, expected: 'a number', received: JSON.stringify(value) });
  return n;
};

export const featuresCommand: CommandModule = {
  name: 'features',
  register(program: Command, io: CliIo) {
    program
      .command('features')
      .description('compute mel power, dB log-mel or MFCC features of an audio file (torchaudio 0.13 semantics) and write them as .npy [bins, frames] and/or .png')
      .argument('<audio-file>', 'WAV, OGG Vorbis, FLAC or MP3 file')
      .addOption(new Option('--kind <kind>', 'which features').choices(FEATURE_KINDS).makeOptionMandatory())
      .option('--out <file.npy>', 'write a NumPy .npy file (float32, shape [bins, frames], C order)')
      .option('--png <file.png>', 'render the features as an image (low frequencies at the bottom)')
      .addOption(new Option('--mel-scale <scale>', 'mel scale').choices(['htk', 'slaney']))
      .addOption(new Option('--mel-norm <norm>', 'mel filter normalisation').choices(['slaney', 'none']))
      .option('--sample-rate <hz>', 'resample to this rate first (default 48000)', integer('sample-rate'))
      .option('--n-fft <n>', 'FFT size (default 2048)', integer('n-fft'))
      .option('--hop-length <n>', 'hop in samples (default 512)', integer('hop-length'))
      .option('--n-mels <n>', 'mel bands (default 128)', integer('n-mels'))
      .option('--n-mfcc <n>', 'MFCC coefficients (default 40)', integer('n-mfcc'))
      .option('--f-min <hz>', 'lowest mel edge (default 0)', number('f-min'))
      .option('--f-max <hz>', 'highest mel edge (default sampleRate / 2)', number('f-max'))
      .addOption(new Option('--fft <backend>', 'FFT backend').choices(['auto', 'fftjs', 'pffft']).default('auto'))
      .option('--max-duration <seconds>', 'reject longer audio (default 600)', number('max-duration'))
      .action(async (file: string, opts: Record<string, unknown>) => {
        const config: Record<string, unknown> = {};
        const map: Record<string, string> = { melScale: 'melScale', sampleRate: 'sampleRate', nFft: 'nFft', hopLength: 'hopLength', nMels: 'nMels', nMfcc: 'nMfcc', fMin: 'fMin', fMax: 'fMax' };
        for (const [flag, field] of Object.entries(map)) if (opts[flag] !== undefined) config[field] = opts[flag];
        if (opts.melNorm !== undefined) config.melNorm = opts.melNorm === 'none' ? null : opts.melNorm;
        // Model-input height follows nMels so a custom --n-mels stays a valid config.
        if (config.nMels !== undefined) config.spectrogramHeight = config.nMels;
        const result = await runFeatures(file, {
          kind: opts.kind as FeatureKind,
          out: opts.out as string | undefined,
          png: opts.png as string | undefined,
          config,
          fft: opts.fft as FeaturesOptions['fft'],
          maxDurationSeconds: opts.maxDuration as number | undefined,
        });
        const { spectrogram: s, config: c } = result;
        const written = [opts.out, opts.png].filter(Boolean).join(' and ');
        io.stdout(
          `${opts.kind} [${s.bins} × ${s.frames}] float32 of ${file} (${result.durationSeconds.toFixed(3)} s at ${result.sourceSampleRate} Hz → ${c.sampleRate} Hz, ` +
            `nFft ${c.nFft}, hop ${c.hopLength}, ${c.melScale}${c.melNorm ? '/slaney-norm' : ''}, fft ${result.fftBackend}) → ${written}\n`,
        );
      });
  },
};
