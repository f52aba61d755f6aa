import {
  NoiseClassifierError,
  createAudioFeatureConfig,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
} from '@noise-classifier/config';
import type { Spectrogram } from '../types';
import { amplitudeToDbInPlace } from './amplitude-to-db';
import { toFloat32Samples, type SampleArray } from './audio-samples';
import { createDct } from './dct';
import { computeDeltas } from './deltas';
import type { FftBackend, FftBackendFactory } from './fft-backend';
import { fftJsFactory } from './fftjs-backend';
import { melFilterbank, toBinPairs, type BinPairWeights, type SparseMelFilterbank } from './mel-filterbank';
import { naturalLogInPlace } from './natural-log';
import { loadPffft, type PffftLoadOptions } from './pffft-backend';
import { checkLength, padEdgesInPlace, padSignal, preEmphasisInto, stftFrameCount, stftPadding } from './stft-frames';
import { SimdMelKernel } from './simd/simd-mel-kernel';
import { hannWindow } from './window';

export type FftChoice = 'auto' | 'fftjs' | 'pffft' | FftBackendFactory;

export interface CreateFeatureExtractorOptions {
  /** 'auto' (default): PFFFT WebAssembly when it loads and supports nFft, else fft.js. */
  readonly fft?: FftChoice;
  /** Loader options for PFFFT (bundlers that cannot serve pffft.wasm next to its loader). */
  readonly pffft?: PffftLoadOptions;
  /**
   * Windowing, power, mel and log in our WebAssembly SIMD kernel around a float32 FFT (PFFFT); default true.
   * false keeps the JavaScript loops (same results within float32 rounding).
   */
  readonly simdKernel?: boolean;
}

const MIN_NORMAL_FLOAT32 = 2 ** -126;

// torchaudio's MFCC builds its own AmplitudeToDB('power', top_db=80.0) with the default amin.
const MFCC_TOP_DB = 80;
const MFCC_AMIN = 1e-10;

/**
 * The torchaudio 0.13 front end: Spectrogram (periodic Hann, centre padding, power) → MelScale →
 * AmplitudeToDB, plus MFCC and deltas. Every result is row-major [bins × frames], float32.
 * Buffers are allocated once and reused for every frame and call; only the returned arrays are new.
 * One instance is not re-entrant (it is synchronous, so that only matters for sharing across workers).
 */
export class TorchAudioFeatureExtractor {
  readonly config: AudioFeatureConfig;
  readonly filterbank: SparseMelFilterbank;
  private readonly backend: FftBackend;
  /** torch's float32 window values, held as float64 for the frame loop. */
  private readonly window: Float64Array;
  /** Non-zero span of the (zero-padded) window: only these samples are written per frame. */
  private readonly windowFirst: number;
  private readonly windowEnd: number;
  private readonly power: Float64Array;
  /** Per-bin weights for the fused power → mel pass; null when the filterbank does not fit that form. */
  private readonly binPairs: BinPairWeights | null;
  private readonly melAccumulator: Float64Array;
  /** WebAssembly SIMD windowing, power, mel and log around a float32 FFT (PFFFT), when both are available. */
  private readonly kernel: SimdMelKernel | null;
  private dct: Float32Array | null = null;
  private padded = new Float32Array(0);
  private converted = new Float32Array(0);
  private mfccAccumulator = new Float64Array(0);
  private disposed = false;

  /** Synchronous construction with the portable fft.js backend. */
  constructor(
    config?: AudioFeatureConfigInput | AudioFeatureConfig,
    backend?: FftBackendFactory,
    options: Pick<CreateFeatureExtractorOptions, 'simdKernel'> = {},
  ) {
    this.config = createAudioFeatureConfig(config ?? {});
    const factory = backend ?? fftJsFactory;
    const { nFft, winLength } = this.config;
    if (!factory.supportsSize(nFft)) {
      throw new NoiseClassifierError('E_FFT_SIZE', `The ${factory.name} FFT cannot transform this nFft`, {
        field: 'nFft',
        expected: factory.sizeRule,
        received: String(nFft),
      });
    }
    this.backend = factory.create(nFft);
    this.window = Float64Array.from(hannWindow(winLength, nFft, this.config.windowPeriodic));
    this.windowFirst = Math.floor((nFft - winLength) / 2);
    this.windowEnd = this.windowFirst + winLength;
    this.power = new Float64Array(Math.floor(nFft / 2) + 1);
    this.filterbank = melFilterbank({
      nFreqs: Math.floor(nFft / 2) + 1,
      fMin: this.config.fMin,
      fMax: this.config.fMax,
      nMels: this.config.nMels,
      sampleRate: this.config.sampleRate,
      norm: this.config.melNorm,
      melScale: this.config.melScale,
    });
    this.binPairs = toBinPairs(this.filterbank);
    this.melAccumulator = new Float64Array(this.config.nMels + 1);
    const windowF32 = hannWindow(winLength, nFft, this.config.windowPeriodic);
    this.kernel =
      options.simdKernel !== false && this.config.power === 2 && this.backend.orderedFloat32 !== undefined
        ? SimdMelKernel.create({ nFft, hopLength: this.config.hopLength, window: windowF32, windowFirst: this.windowFirst, windowEnd: this.windowEnd, filterbank: this.filterbank })
        : null;
  }

  /** Picks the FFT backend ('auto': the fastest that loads and supports nFft) and builds the extractor. */
  static async create(
    config?: AudioFeatureConfigInput | AudioFeatureConfig,
    options: CreateFeatureExtractorOptions = {},
  ): Promise<TorchAudioFeatureExtractor> {
    const resolved = createAudioFeatureConfig(config ?? {});
    const choice = options.fft ?? 'auto';
    if (typeof choice === 'object') return new TorchAudioFeatureExtractor(resolved, choice, options);
    if (choice === 'fftjs') return new TorchAudioFeatureExtractor(resolved, fftJsFactory, options);
    if (choice === 'pffft') return new TorchAudioFeatureExtractor(resolved, await loadPffft(options.pffft), options);
    if (choice !== 'auto') {
      throw new NoiseClassifierError('E_CONFIG', 'Unknown FFT backend', {
        field: 'fft',
        expected: "'auto', 'fftjs', 'pffft' or an FftBackendFactory",
        received: String(choice),
      });
    }
    const pffft = await loadPffft(options.pffft).catch(() => null);
    if (pffft?.supportsSize(resolved.nFft)) return new TorchAudioFeatureExtractor(resolved, pffft, options);
    if (fftJsFactory.supportsSize(resolved.nFft) || pffft === null) return new TorchAudioFeatureExtractor(resolved, fftJsFactory, options);
    throw new NoiseClassifierError('E_FFT_SIZE', 'No FFT backend can transform this nFft', {
      field: 'nFft',
      expected: `fft.js: ${fftJsFactory.sizeRule}; pffft: ${pffft.sizeRule}`,
      received: String(resolved.nFft),
    });
  }

  /** Name of the FFT implementation in use, e.g. 'fftjs' or 'pffft-simd'. */
  get fftBackend(): string {
    return this.backend.name;
  }

  /** Whether windowing, power, mel and log run in the WebAssembly SIMD kernel (PFFFT backend, power 2, engine with SIMD). */
  get simdKernel(): boolean {
    return this.kernel !== null;
  }

  /** STFT frames for `numSamples` samples (with center: 1 + floor(n / hop); n is one less with pre-emphasis). */
  frameCount(numSamples: number): number {
    return stftFrameCount(numSamples, this.config);
  }

  /** torchaudio MelSpectrogram: mel-filtered |STFT|^power, [nMels × frames]. */
  melPowerSpectrogram(audio: SampleArray): Spectrogram {
    const samples = this.prepare(audio, this.kernel !== null);
    const frames = this.frameCount(samples.length);
    const data = new Float32Array(this.config.nMels * frames);
    if (this.kernel !== null) {
      this.kernelMelPower(this.kernel, samples, frames);
      this.kernel.copyResult(data, frames);
    } else {
      this.melPowerInto(samples, data, frames);
    }
    return { data, bins: this.config.nMels, frames };
  }

  /**
   * The log-mel models consume. logScale 'db' (default): MelSpectrogram → AmplitudeToDB('power', topDb) per
   * spectrogram; 'log': ln(mel + logOffset). Then (x − normalizeMean) / normalizeStd when those are not 0 / 1.
   */
  extractMelSpectrogram(audio: SampleArray): Spectrogram {
    if (this.kernel !== null) {
      const samples = this.prepare(audio, true);
      const frames = this.frameCount(samples.length);
      this.kernelMelPower(this.kernel, samples, frames);
      const data = new Float32Array(this.config.nMels * frames);
      if (this.kernelLog(this.kernel, frames)) {
        this.kernel.copyResult(data, frames);
        return { data, bins: this.config.nMels, frames };
      }
      // Non-finite mel power (an overflowing input) or a subnormal floor: the JavaScript log handles those.
      this.kernel.copyResult(data, frames);
      return this.logMelInPlace({ data, bins: this.config.nMels, frames });
    }
    return this.logMelInPlace(this.melPowerSpectrogram(audio));
  }

  private logMelInPlace(mel: Spectrogram): Spectrogram {
    const { logScale, logOffset, normalizeMean: mean, normalizeStd: std } = this.config;
    if (logScale === 'log') {
      naturalLogInPlace(mel.data, { offset: logOffset, mean, std });
      return mel;
    }
    amplitudeToDbInPlace(mel.data, { multiplier: 10, amin: this.config.amin, ref: 1, topDb: this.config.topDb });
    if (mean !== 0 || std !== 1) {
      for (let i = 0; i < mel.data.length; i++) mel.data[i] = Math.fround(mel.data[i]! - mean) / std;
    }
    return mel;
  }

  /**
   * torchaudio MFCC (log_mels=False): DCT-II (ortho) over the dB mel spectrogram, [nMfcc × frames].
   * Like torchaudio, the dB step uses top_db 80 and amin 1e-10 whatever the config says.
   */
  extractMfcc(audio: SampleArray): Spectrogram {
    const mel = this.melPowerSpectrogram(audio);
    amplitudeToDbInPlace(mel.data, { multiplier: 10, amin: MFCC_AMIN, ref: 1, topDb: MFCC_TOP_DB });
    const { nMfcc, nMels } = this.config;
    const frames = mel.frames;
    this.dct ??= createDct(nMfcc, nMels, 'ortho');
    if (this.mfccAccumulator.length < frames) this.mfccAccumulator = new Float64Array(frames);
    const acc = this.mfccAccumulator;
    const out = new Float32Array(nMfcc * frames);
    for (let k = 0; k < nMfcc; k++) {
      acc.fill(0, 0, frames);
      for (let m = 0; m < nMels; m++) {
        const c = this.dct[k * nMels + m]!;
        const row = m * frames;
        for (let t = 0; t < frames; t++) acc[t]! += c * mel.data[row + t]!;
      }
      for (let t = 0; t < frames; t++) out[k * frames + t] = acc[t]!;
    }
    return { data: out, bins: nMfcc, frames };
  }

  /** torchaudio compute_deltas along frames (replicate padding). */
  extractDeltas(spectrogram: Spectrogram, winLength = 5): Spectrogram {
    return computeDeltas(spectrogram, winLength);
  }

  /** Frees the FFT backend's WebAssembly memory; the extractor cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.dispose();
  }

  /**
   * Samples as float32, checked: non-empty, finite, long enough. With `kernelChecksFinite` a Float32Array skips the
   * finite check here: the kernel checks the copy it makes anyway (SIMD), and throws through the same check.
   */
  private prepare(audio: SampleArray, kernelChecksFinite = false): Float32Array {
    if (this.disposed) throw new NoiseClassifierError('E_DISPOSED', 'This feature extractor was disposed');
    if (kernelChecksFinite && audio instanceof Float32Array && audio.length > 0) {
      checkLength(audio.length, this.config);
      return audio;
    }
    if (!(audio instanceof Float32Array) && this.converted.length < (audio as ArrayLike<number>)?.length) {
      this.converted = new Float32Array((audio as ArrayLike<number>).length);
    }
    const samples = toFloat32Samples(audio, this.converted);
    checkLength(samples.length, this.config);
    return samples;
  }

  /** Pads (and pre-emphasises) the samples straight into kernel memory and leaves the mel power there. */
  private kernelMelPower(kernel: SimdMelKernel, samples: Float32Array, frames: number): void {
    const pad = stftPadding(this.config);
    const { preEmphasis, padMode } = this.config;
    const signal = kernel.signalBuffer(samples.length + 2 * pad, frames);
    signal.set(samples, pad);
    // prepare() left the finite check to this copy; on failure the JavaScript check names the bad sample.
    if (!kernel.allFinite(signal, pad, samples.length)) toFloat32Samples(samples);
    if (preEmphasis === null) {
      padEdgesInPlace(signal, pad, samples.length, padMode);
    } else {
      // Filtered in place: n + 1 samples in, n out; the stale last one is overwritten by the right padding.
      const n = samples.length - 1;
      kernel.preEmphasisInPlace(signal, pad, n, preEmphasis);
      padEdgesInPlace(signal, pad, n, padMode);
    }
    kernel.melPower(this.backend.orderedFloat32!(), frames);
  }

  /**
   * The log step of extractMelSpectrogram on the kernel's result, as one affine map of ln(·): dB is
   * 10/ln 10 · ln(max(x, amin)), then (· − mean) / std, clamped at (peak dB − topDb) mapped the same way.
   * Returns false (nothing done) when the JavaScript path must run instead.
   */
  private kernelLog(kernel: SimdMelKernel, frames: number): boolean {
    const { logScale, logOffset, amin, topDb, normalizeMean: mean, normalizeStd: std } = this.config;
    const peak = kernel.maximum();
    const floor = Math.fround(logScale === 'log' ? logOffset : amin);
    if (!(peak < Infinity) || floor < MIN_NORMAL_FLOAT32) return false;
    if (logScale === 'log') {
      kernel.logAffine(frames, floor, floor, 1 / std, -mean / std, -Infinity);
      return true;
    }
    const reference = 10 * Math.log10(Math.max(amin, 1));
    let clampAt = -Infinity;
    if (topDb !== null) {
      const peakDb = 10 * Math.log10(Math.max(Math.fround(peak), floor)) - reference;
      clampAt = (Math.fround(Math.fround(peakDb) - topDb) - mean) / std;
    }
    kernel.logAffine(frames, 0, floor, 10 / Math.LN10 / std, (-reference - mean) / std, clampAt);
    return true;
  }

  private melPowerInto(samples: Float32Array, out: Float32Array, frames: number): void {
    const pad = stftPadding(this.config);
    const { preEmphasis, padMode } = this.config;
    let signal = samples;
    if (pad > 0 || preEmphasis !== null) {
      const n = preEmphasis === null ? samples.length : samples.length - 1;
      const length = n + 2 * pad;
      if (this.padded.length < length) this.padded = new Float32Array(length);
      signal = this.padded;
      if (preEmphasis === null) {
        padSignal(samples, pad, padMode, signal);
      } else {
        preEmphasisInto(samples, preEmphasis, signal, pad);
        padEdgesInPlace(signal, pad, n, padMode);
      }
    }
    if (this.config.power === 2 && this.binPairs !== null) this.fusedFrames(signal, this.binPairs, out, frames);
    else this.genericFrames(signal, out, frames);
  }

  /** Power 2 with a two-bands-per-bin filterbank (the usual case): fused power → mel per frame. */
  private fusedFrames(signal: Float32Array, pairs: BinPairWeights, out: Float32Array, frames: number): void {
    const backend = this.backend;
    const { hopLength, nMels } = this.config;
    const window = this.window;
    const first = this.windowFirst;
    const end = this.windowEnd;
    const acc = this.melAccumulator;
    for (let t = 0; t < frames; t++) {
      backend.loadFrame(signal, t * hopLength, window, first, end);
      backend.melPower(pairs, acc);
      for (let m = 0; m < nMels; m++) out[m * frames + t] = acc[m]!;
    }
  }

  /** Any power exponent and any filterbank: power spectrum, exponent, sparse mel product. */
  private genericFrames(signal: Float32Array, out: Float32Array, frames: number): void {
    const backend = this.backend;
    const { hopLength, nMels } = this.config;
    const power = this.power;
    const { start, length, offset, weights } = this.filterbank;
    const exponent = this.config.power / 2;
    for (let t = 0; t < frames; t++) {
      backend.loadFrame(signal, t * hopLength, this.window, this.windowFirst, this.windowEnd);
      backend.powerSpectrum(power);
      if (exponent !== 1) for (let k = 0; k < power.length; k++) power[k] = Math.pow(power[k]!, exponent);
      for (let m = 0; m < nMels; m++) {
        const s0 = start[m]!;
        const o0 = offset[m]! - s0;
        const e0 = s0 + length[m]!;
        let sum = 0;
        for (let k = s0; k < e0; k++) sum += weights[o0 + k]! * power[k]!;
        out[m * frames + t] = sum;
      }
    }
  }

}
