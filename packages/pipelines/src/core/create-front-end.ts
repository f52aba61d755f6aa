import type { AudioFeatureConfig } from '@noise-classifier/config';
import {
  TorchAudioFeatureExtractor,
  computeDeltas,
  makeModelWindows,
  prepareAudio,
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
    // Bytes are decoded (WAV/OGG/FLAC/MP3); samples are checked (non-empty, finite) and default to the model's rate;
    // both are resampled to config.sampleRate. Inputs over 10 minutes are E_INPUT_TOO_LARGE.
    prepare: (input: AudioInput, sampleRate?: number) => prepareAudio(input, { sampleRate: sampleRate ?? config.sampleRate, config }),
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

/**
 * Model windows of a [bins × frames] spectrogram (features' `makeModelWindows`: `spectrogramWidth` frames every
 * `hopFrames`, the last aligned to the end, short clips padded with the minimum); with 3 channels, log-mel,
 * delta and delta-delta (torchaudio compute_deltas). Hops longer than a window are clamped to one window here;
 * the service makes sparser timelines with segments instead.
 */
export function modelWindows(spec: Spectrogram, config: AudioFeatureConfig, channels: 1 | 3, hopFrames: number): ModelInputBatch {
  let deltas: [Spectrogram, Spectrogram] | undefined;
  if (channels === 3) {
    const d1 = computeDeltas(spec);
    deltas = [d1, computeDeltas(d1)];
  }
  return makeModelWindows(spec, { config, hopFrames: Math.min(Math.max(1, hopFrames), config.spectrogramWidth), ...(deltas ? { deltas } : {}) });
}
