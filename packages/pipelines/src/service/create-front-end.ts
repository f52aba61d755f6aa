import { NoiseClassifierError, describeValue, type AudioFeatureConfig } from '@noise-classifier/config';
import {
  TorchAudioFeatureExtractor,
  computeDeltas,
  decodeAudio,
  resample,
  type AudioInput,
  type ModelInputBatch,
  type Spectrogram,
} from '@noise-classifier/features';
import type { FrontEnd } from './front-end';

/** Builds the front end for a feature config: the fastest FFT that loads ('auto'), decoding and resampling. */
export async function createFrontEnd(config: AudioFeatureConfig, inputChannels: 1 | 3 = 1): Promise<FrontEnd> {
  const extractor = await TorchAudioFeatureExtractor.create(config, { fft: 'auto' });
  return {
    config,
    inputChannels,
    async prepare(input: AudioInput, sampleRate?: number): Promise<Float32Array> {
      let samples: Float32Array;
      let rate: number;
      if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
        const decoded = await decodeAudio(input);
        samples = decoded.samples;
        rate = decoded.sampleRate;
      } else {
        samples = checkSamples(input);
        rate = sampleRate ?? config.sampleRate;
      }
      if (samples.length === 0) {
        throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio is empty', { field: 'audio', expected: 'at least one sample', received: 'none' });
      }
      return rate === config.sampleRate ? samples : resample(samples, rate, config.sampleRate);
    },
    resample: (samples, fromRate) => (fromRate === config.sampleRate ? samples : resample(samples, fromRate, config.sampleRate)),
    logMel(audio: Float32Array): Spectrogram {
      // Reflect padding needs more than nFft/2 samples; very short clips are zero-padded to one FFT frame.
      const minimum = config.nFft;
      const padded = audio.length >= minimum ? audio : padTo(audio, minimum);
      return extractor.extractMelSpectrogram(padded);
    },
    windows: (spec, hopFrames) => modelWindows(spec, config, inputChannels, hopFrames),
  };
}

function padTo(audio: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(audio);
  return out;
}

/** Validates in-memory samples (finite numbers) and returns float32. */
export function checkSamples(input: unknown): Float32Array {
  if (!(input instanceof Float32Array || input instanceof Float64Array || Array.isArray(input))) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Unsupported audio input', {
      field: 'audio',
      expected: 'a Float32Array, Float64Array, number[] or the bytes of an encoded file (Uint8Array/ArrayBuffer)',
      received: describeValue(input),
    });
  }
  const source = input as ArrayLike<unknown>;
  const out = input instanceof Float32Array ? input : new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const x = source[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new NoiseClassifierError('E_BAD_AUDIO', `Audio sample ${i} is not a finite number`, {
        field: `audio[${i}]`,
        expected: 'finite samples',
        received: describeValue(x),
      });
    }
    if (out !== input) out[i] = x;
  }
  return out;
}

/**
 * Cuts a [bins × frames] spectrogram into model windows of `spectrogramWidth` frames every `hopFrames`, the last
 * one aligned to the end so the tail is covered; a clip shorter than one window is padded on the right with the
 * spectrogram's minimum (silence in dB). With 3 channels: log-mel, delta, delta-delta (torchaudio compute_deltas).
 */
export function modelWindows(spec: Spectrogram, config: AudioFeatureConfig, channels: 1 | 3, hopFrames: number): ModelInputBatch {
  const height = config.spectrogramHeight;
  const width = config.spectrogramWidth;
  if (spec.bins !== height) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'Spectrogram height does not match the model input', {
      field: 'spectrogramHeight',
      expected: `${height} mel bins`,
      received: `${spec.bins}`,
    });
  }
  const planes = [spec];
  if (channels === 3) {
    const d1 = computeDeltas(spec);
    planes.push(d1, computeDeltas(d1));
  }
  const starts: number[] = [];
  if (spec.frames <= width) starts.push(0);
  else {
    for (let s = 0; s + width <= spec.frames; s += hopFrames) starts.push(s);
    const last = spec.frames - width;
    if (starts[starts.length - 1] !== last) starts.push(last);
  }
  const count = starts.length;
  const data = new Float32Array(count * channels * height * width);
  const valid = starts.map((s) => Math.min(width, spec.frames - s));
  planes.forEach((plane, c) => {
    let min = Infinity;
    for (const v of plane.data) if (v < min) min = v;
    starts.forEach((s, w) => {
      const base = (w * channels + c) * height * width;
      for (let b = 0; b < height; b++) {
        const row = b * plane.frames + s;
        data.set(plane.data.subarray(row, row + valid[w]), base + b * width);
        if (valid[w] < width) data.fill(channels === 3 && c > 0 ? 0 : min, base + b * width + valid[w], base + (b + 1) * width);
      }
    });
  });
  return { data, count, channels, height, width, startFrames: starts, validFrames: valid };
}
