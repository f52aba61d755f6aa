import { createOrtBackend, type InferenceBackend, type OrtModuleLike } from '@noise-classifier/models';

/** The part of onnxruntime-web's global settings we touch. */
interface OrtWebModuleLike extends OrtModuleLike {
  readonly env: { readonly wasm: { numThreads?: number; wasmPaths?: unknown } };
}

export interface OnnxRuntimeWebBackendOptions {
  /** Registry name; default `onnxruntime-web`. */
  readonly name?: string;
  /**
   * WebAssembly threads (`ort.env.wasm.numThreads`). onnxruntime-web fixes this when its wasm module starts,
   * i.e. at the first session, so it is process-wide: set it here, or through the first session's `numThreads`.
   * Browsers only run threads on cross-origin-isolated pages; elsewhere onnxruntime-web falls back to 1.
   */
  readonly numThreads?: number;
  /** Where the .wasm/.mjs files are served from (`ort.env.wasm.wasmPaths`); default: next to the bundle. */
  readonly wasmPaths?: string | Record<string, string>;
  /** The lazy import of the runtime; tests point it at a package that is not installed. */
  readonly load?: () => Promise<OrtWebModuleLike>;
}

/**
 * An `InferenceBackend` on onnxruntime-web's WebAssembly CPU backend. Works in browsers, web workers and Node
 * (useful for tests and for checking what the browser will compute).
 */
export function createOnnxRuntimeWebBackend(options: OnnxRuntimeWebBackendOptions = {}): InferenceBackend {
  let ort: OrtWebModuleLike | undefined;
  let started = false;
  return createOrtBackend<OrtWebModuleLike>({
    name: options.name ?? 'onnxruntime-web',
    packageName: 'onnxruntime-web',
    // The WebAssembly-only build: this backend runs the 'wasm' execution provider only, and the package's default
    // build also carries WebGPU (JSEP), whose .wasm is twice the size (28 vs 14 MB) to download and compile.
    load: options.load ?? (() => import('onnxruntime-web/wasm') as unknown as Promise<OrtWebModuleLike>),
    configure: (module) => {
      ort = module;
      if (options.numThreads !== undefined) module.env.wasm.numThreads = options.numThreads;
      if (options.wasmPaths !== undefined) module.env.wasm.wasmPaths = options.wasmPaths;
    },
    sessionOptions: ({ numThreads }) => {
      // Only the first session can still choose the thread count (see `numThreads` above).
      if (!started && ort && numThreads !== undefined && options.numThreads === undefined) ort.env.wasm.numThreads = numThreads;
      started = true;
      return { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    },
  });
}

/** The default onnxruntime-web backend (what `@noise-classifier/runtime-web/register` registers). */
export const onnxRuntimeWebBackend: InferenceBackend = createOnnxRuntimeWebBackend();
