import type { AudioFeatureConfig, LabelSource, ModelConfig } from '@noise-classifier/config';

/**
 * Everything needed to classify with a model file, carried inside it (ONNX metadata_props / tfjs userDefinedMetadata).
 */
export interface ModelMetadata {
  readonly labels: readonly string[];
  readonly featureConfig: AudioFeatureConfig;
  readonly modelConfig: ModelConfig;
  /** Version of @noise-classifier/models that wrote the file. */
  readonly producerVersion: string;
  /** True for randomly initialised weights (benchmarks, tests): results must say so. */
  readonly untrained: boolean;
  readonly createdAt?: string;
  /** Training summary when known (accuracy, macro-F1, epochs, dataset description…). */
  readonly trainingMetrics?: Readonly<Record<string, unknown>>;
  /**
   * Where each label's output comes from (`trained` head, `mapped` AudioSet evidence, `none`), for models that
   * combine the two; absent in files that predate it, where every label is trained.
   */
  readonly labelSources?: Readonly<Record<string, LabelSource>>;
}

/** A model as the runtimes see it: the bytes of a file plus how to read them. */
export type ModelSource =
  | { readonly format: 'onnx'; readonly bytes: Uint8Array }
  | { readonly format: 'tfjs'; readonly model: unknown /* tf.LayersModel */ };

export interface SessionOptions {
  /** Intra-op threads; undefined lets the runtime choose. */
  readonly numThreads?: number;
  /** Runtime-specific device hint ('cpu', 'wasm', 'webgpu', 'cuda'). */
  readonly device?: string;
}

/** Output of one forward pass: logits [batch × numClasses], row-major. */
export interface SessionOutput {
  readonly logits: Float32Array;
  readonly batch: number;
  readonly numClasses: number;
  /** The outputs asked for in `RunOptions.extraOutputs`, each [batch × width] row-major (e.g. `audioset_logits`). */
  readonly extra?: Readonly<Record<string, { readonly data: Float32Array; readonly width: number }>>;
}

export interface RunOptions {
  /** Further graph outputs to fetch beside the logits, by name; one the model lacks is E_MODEL_MISMATCH. */
  readonly extraOutputs?: readonly string[];
}

export interface InferenceSession {
  readonly backendName: string;
  /** Names of the model's outputs, where the runtime tells them (ONNX sessions). */
  readonly outputNames?: readonly string[];
  /** Runs a batch; `input` is NCHW float32 with shape `[batch, channels, height, width]`. */
  run(input: Float32Array, shape: readonly [number, number, number, number], options?: RunOptions): Promise<SessionOutput>;
  dispose(): Promise<void>;
}

/** A pluggable runtime adapter (onnxruntime-node, onnxruntime-web, tfjs …). */
export interface InferenceBackend {
  readonly name: string;
  /** Formats this backend can open. */
  readonly formats: readonly ModelSource['format'][];
  /** Loads the runtime package lazily; throws E_RUNTIME_MISSING naming the package when it is absent. */
  init(): Promise<void>;
  createSession(source: ModelSource, options?: SessionOptions): Promise<InferenceSession>;
}
