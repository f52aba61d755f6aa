import type { WireClassification } from '@noise-classifier/pipelines/wire';

/**
 * What the server needs from a classifier. `NoiseClassifierService` from @noise-classifier/pipelines satisfies it
 * through `classifierFromService`; keeping the surface this small lets the HTTP layer stay independent of how
 * the model runs.
 */
export interface ClipInput {
  /** Mono samples, nominally in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

/**
 * The seed's snake_case result: the part of pipelines' `WireClassification` the server answers with (`label_sources`:
 * where each label's probability comes from — trained head, mapped AudioSet evidence, none).
 */
export type ServedClassification = Pick<WireClassification, 'predicted_class' | 'confidence' | 'probabilities' | 'top_k'> &
  Partial<Pick<WireClassification, 'duration_seconds' | 'label_sources'>>;

export interface ModelInfo {
  /** Reported as `model_version` in every classification response. */
  readonly modelVersion: string;
  readonly labels: readonly string[];
  readonly architecture?: string;
  readonly backend?: string;
  /** True for randomly initialised weights: responses should not be trusted. */
  readonly untrained?: boolean;
}

export interface Classifier {
  classifyBatch(items: readonly ClipInput[]): Promise<ServedClassification[]>;
  modelInfo(): ModelInfo;
  dispose?(): Promise<void>;
}

/** Decoded audio as the server uses it (compatible with features' `DecodedAudio`). */
export interface DecodedClip extends ClipInput {
  readonly durationSeconds: number;
}

/** Decodes the bytes of a WAV/OGG/FLAC/MP3 file. */
export type AudioDecoder = (bytes: Uint8Array) => Promise<DecodedClip> | DecodedClip;
