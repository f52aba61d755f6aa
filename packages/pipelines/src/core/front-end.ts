import type { AudioFeatureConfig } from '@noise-classifier/config';
import type { AudioInput, ModelInputBatch, Spectrogram } from '@noise-classifier/features';

/**
 * The slice of @noise-classifier/features the pipelines use, behind one small interface so the service,
 * the dataset, streaming and the emergency detector share one front end per feature config.
 */
export interface FrontEnd {
  readonly config: AudioFeatureConfig;
  readonly inputChannels: 1 | 3;
  /** Decodes bytes or checks samples, downmixes, resamples to `config.sampleRate`. */
  prepare(input: AudioInput, sampleRate?: number): Promise<Float32Array>;
  /** Resamples mono samples (already validated) to `config.sampleRate`. */
  resample(samples: Float32Array, fromRate: number): Float32Array;
  /** dB log-mel spectrogram [nMels × frames]. */
  logMel(audio: Float32Array): Spectrogram;
  /** Fixed-size model windows over a spectrogram (with deltas when the model takes 3 channels). */
  windows(spec: Spectrogram, hopFrames: number): ModelInputBatch;
}
