import { createOrtBackend, type InferenceBackend, type OrtModuleLike } from '@noise-classifier/models';

export interface OnnxRuntimeNodeBackendOptions {
  /** Registry name; default `onnxruntime-node`. */
  readonly name?: string;
  /** The lazy import of the runtime; tests point it at a package that is not installed. */
  readonly load?: () => Promise<OrtModuleLike>;
}

/**
 * An `InferenceBackend` on onnxruntime-node (native CPU). The peer dependency is imported on first use, so merely
 * importing this package costs nothing; when it is absent `init()` throws E_RUNTIME_MISSING "install onnxruntime-node".
 */
export function createOnnxRuntimeNodeBackend(options: OnnxRuntimeNodeBackendOptions = {}): InferenceBackend {
  return createOrtBackend({
    name: options.name ?? 'onnxruntime-node',
    packageName: 'onnxruntime-node',
    load: options.load ?? (() => import('onnxruntime-node') as Promise<OrtModuleLike>),
    sessionOptions: ({ numThreads }) => ({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // One model, one request at a time per session: parallelism belongs inside operators.
      executionMode: 'sequential',
      interOpNumThreads: 1,
      ...(numThreads === undefined ? {} : { intraOpNumThreads: numThreads }),
    }),
  });
}

/** The default onnxruntime-node backend (what `@noise-classifier/runtime-node/register` registers). */
export const onnxRuntimeNodeBackend: InferenceBackend = createOnnxRuntimeNodeBackend();
