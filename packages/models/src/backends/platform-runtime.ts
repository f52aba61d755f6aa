import type { InferenceBackend } from '../backend';

/**
 * What a platform offers to the platform-neutral pipelines. Pipelines take one of these by injection
 * (`NoiseClassifierService.create({ runtime: nodeRuntime })`) instead of importing `node:*` themselves.
 */
export interface PlatformRuntime {
  /** Platform name, for messages and logs. */
  readonly name: string;
  /** Backends to try, best first (used before the global registry). */
  readonly backends: readonly InferenceBackend[];
  /** Reads a model file (path or URL, depending on the platform); missing → E_MODEL_NOT_FOUND. */
  readonly readFile: (location: string) => Promise<Uint8Array>;
  /** Reads an audio file's bytes; decoding is done by @noise-classifier/features. */
  readonly readAudioFile?: (location: string) => Promise<Uint8Array>;
  /** Writes a file atomically (checkpoints, exports); absent where the platform cannot write files. */
  readonly writeFileAtomic?: (location: string, data: Uint8Array | string) => Promise<void>;
  /** Where the bundled default model lives on this platform (overrides the pipelines' package-relative default). */
  readonly defaultModelLocation?: string;
}
