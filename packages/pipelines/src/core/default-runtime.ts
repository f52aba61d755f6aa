import { NoiseClassifierError } from '@noise-classifier/config';
import type { PlatformRuntime } from '@noise-classifier/models';

/**
 * The platform runtime used when the caller passes none. `#default-runtime` is this package's private import
 * (package.json `imports`), resolved by export conditions: `node` → onnxruntime-node + files + the bundled model
 * path (src/node/default-runtime.ts); anything else (`browser`, bundlers, workers) → onnxruntime-web + fetch
 * (src/web/default-runtime.ts). Loaded lazily, so injecting a runtime never loads the default one, and this
 * module stays platform-neutral.
 */
let loading: Promise<PlatformRuntime> | undefined;

/** Set by tsup to `true` in the CommonJS build only (esbuild `define`); undefined from source. */
declare const __NOISE_CLASSIFIER_CJS__: boolean | undefined;

type DefaultRuntimeModule = { defaultPlatformRuntime: PlatformRuntime };

/**
 * The CommonJS build requires the CommonJS variant: `import()` would load the ES module one, and with it a second
 * copy of config/models (errors that fail `instanceof NoiseClassifierError` in the caller's copy).
 */
function importDefaultRuntime(): Promise<DefaultRuntimeModule> {
  if (typeof __NOISE_CLASSIFIER_CJS__ !== 'undefined' && __NOISE_CLASSIFIER_CJS__) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return Promise.resolve().then(() => require('#default-runtime') as DefaultRuntimeModule);
  }
  return import('#default-runtime');
}

export function loadDefaultRuntime(): Promise<PlatformRuntime> {
  loading ??= importDefaultRuntime().then(
    (module) => module.defaultPlatformRuntime,
    (error: unknown) => {
      loading = undefined; // a later install or retry may succeed
      throw new NoiseClassifierError('E_RUNTIME_MISSING', `The default platform runtime could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
        field: 'runtime',
        expected:
          "@noise-classifier/runtime-node + onnxruntime-node (Node) or @noise-classifier/runtime-web + onnxruntime-web (browsers) installed, or create({ runtime })",
        received: 'an import failure',
        cause: error,
      });
    },
  );
  return loading;
}
