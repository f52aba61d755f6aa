// What `#default-runtime` resolves to in browsers, bundlers and every other non-Node environment (package.json
// `imports`, `default` condition): onnxruntime-web and fetch, with the bundled model fetched next to this file.
import { webRuntime } from '@noise-classifier/runtime-web';
import type { PlatformRuntime } from '@noise-classifier/models';

/**
 * The bundled default model's URL. A literal `new URL(…, import.meta.url)` so bundlers (Vite, webpack, esbuild
 * with loaders) see it and emit the model as an asset; this file sits two folders below the package root as
 * source and built, so the same relative path works for both.
 */
function bundledModelUrl(): string | undefined {
  try {
    return new URL('../../models/default-model.onnx', import.meta.url).href;
  } catch {
    return undefined; // no import.meta.url (a CommonJS build outside Node): callers pass modelPath
  }
}

const location = bundledModelUrl();

/** `webRuntime` (onnxruntime-web, fetch) plus the default model's URL. */
export const defaultPlatformRuntime: PlatformRuntime = location === undefined ? webRuntime : { ...webRuntime, defaultModelLocation: location };
