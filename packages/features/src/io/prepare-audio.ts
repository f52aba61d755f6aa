import { DEFAULT_AUDIO_FEATURE_CONFIG, NoiseClassifierError, describeValue, type AudioFeatureConfig } from '@noise-classifier/config';
import type { AudioInput } from '../types';
import { decodeAudio } from './decode';
import { checkSampleRate, resample, type ResampleOptions } from './resample';
import { checkDuration } from './wav';

export interface PrepareAudioOptions {
  /** Rate of raw samples (required for Float32Array / Float64Array / number[]; ignored for encoded bytes, which carry their own). */
  readonly sampleRate?: number;
  /** Target rate comes from `config.sampleRate` (default 48 kHz). */
  readonly config?: AudioFeatureConfig;
  /** Longest accepted input in seconds (default 600 = 10 minutes; `Infinity` disables). */
  readonly maxDurationSeconds?: number;
  /** Accept truncated files (see `DecodeOptions.allowTruncated`). */
  readonly allowTruncated?: boolean;
  readonly resample?: ResampleOptions;
}

export const DEFAULT_MAX_DURATION_SECONDS = 600;

/**
 * Turns any accepted input into validated mono samples at `config.sampleRate`: bytes are decoded
 * (WAV, OGG Vorbis, FLAC, MP3), raw samples are checked (non-empty, numeric, finite), then resampled.
 */
export async function prepareAudio(input: AudioInput, options: PrepareAudioOptions = {}): Promise<Float32Array> {
  const config = options.config ?? DEFAULT_AUDIO_FEATURE_CONFIG;
  const maxDurationSeconds = options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS;
  let samples: Float32Array | Float64Array | readonly number[];
  let rate: number;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const decoded = await decodeAudio(input, { maxDurationSeconds, allowTruncated: options.allowTruncated });
    samples = decoded.samples;
    rate = checkSampleRate(decoded.sampleRate, 'sampleRate (from the file header)');
  } else {
    samples = checkSamples(input);
    if (options.sampleRate === undefined) {
      throw new NoiseClassifierError('E_SAMPLE_RATE', 'Raw samples need their sample rate', {
        field: 'sampleRate',
        expected: 'options.sampleRate in Hz for Float32Array / Float64Array / number[] input',
        received: 'undefined',
      });
    }
    rate = checkSampleRate(options.sampleRate, 'sampleRate');
    checkDuration(samples.length, rate, maxDurationSeconds);
  }
  return resample(samples, rate, config.sampleRate, options.resample);
}

/** Checks raw samples: an array of finite numbers, not empty. Names the first bad index. */
export function checkSamples(input: unknown, field = 'audio'): Float32Array | Float64Array | readonly number[] {
  const isTyped = input instanceof Float32Array || input instanceof Float64Array;
  if (!isTyped && !Array.isArray(input)) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio must be samples or the bytes of an audio file', {
      field,
      expected: 'a Float32Array, Float64Array or number[] of samples, or a Uint8Array/ArrayBuffer of WAV/OGG/FLAC/MP3 bytes',
      received: describeValue(input),
    });
  }
  const samples = input as Float32Array | Float64Array | readonly unknown[];
  if (samples.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio is empty', { field, expected: 'at least one sample', received: '0 samples' });
  }
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (typeof v !== 'number') {
      throw new NoiseClassifierError('E_BAD_AUDIO', `${field}[${i}] is not a number`, { field: `${field}[${i}]`, expected: 'a finite number', received: describeValue(v) });
    }
    if (!Number.isFinite(v)) {
      throw new NoiseClassifierError('E_BAD_AUDIO', `${field}[${i}] is not finite`, { field: `${field}[${i}]`, expected: 'a finite number', received: describeValue(v) });
    }
  }
  return samples as Float32Array | Float64Array | readonly number[];
}
