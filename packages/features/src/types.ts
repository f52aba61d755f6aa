/** A 2-D feature matrix, row-major [bins × frames] (torchaudio's layout for one channel). */
export interface Spectrogram {
  readonly data: Float32Array;
  readonly bins: number;
  readonly frames: number;
}

/** Mono audio after decoding, before resampling. */
export interface DecodedAudio {
  /** Mono samples (channels averaged), nominally in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Channel count of the source before the downmix. */
  readonly channels: number;
  readonly format: 'wav' | 'ogg' | 'flac' | 'mp3' | 'raw';
  readonly durationSeconds: number;
  /**
   * True when the file declared more audio than it holds and the caller allowed a partial decode
   * (`decodeAudio(bytes, { allowTruncated: true })`); otherwise a short file is an error.
   */
  readonly truncated?: boolean;
  /** The codec inside the container, e.g. `pcm_s16le`, `float32le`, `vorbis`, `flac`, `mp3`. */
  readonly codec?: string;
}

/**
 * What users may hand to the front end: samples (with a sample rate given separately)
 * or the bytes of an encoded file (WAV, OGG Vorbis, FLAC, MP3).
 */
export type AudioInput = Float32Array | Float64Array | readonly number[] | Uint8Array | ArrayBuffer;

/** Fixed-size model input: `count` windows of [channels × height × width], NCHW, contiguous. */
export interface ModelInputBatch {
  readonly data: Float32Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** First frame of each window in the source spectrogram. */
  readonly startFrames: readonly number[];
  /** Number of real (unpadded) frames in each window. */
  readonly validFrames: readonly number[];
}
