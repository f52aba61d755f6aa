import { NoiseClassifierError } from '@noise-classifier/config';
import type { NoiseClassifierService } from '@noise-classifier/pipelines';

/** What `NoiseClassifierService.create` accepts as `runtime` (`nodeRuntime`, `webRuntime`, …). */
export type LegacyRuntime = NonNullable<NonNullable<Parameters<typeof NoiseClassifierService.create>[0]>['runtime']>;

/**
 * A runtime the old classes use when none is passed to them (`setLegacyRuntime(webRuntime)`, say). Optional: with
 * none, the service picks the platform's own (Node: files + onnxruntime-node; browsers: fetch + onnxruntime-web),
 * so the seed's set-up-free calls work. Kept on globalThis so every copy of the package (ESM, CJS) sees it.
 */
const RUNTIME_KEY = Symbol.for('@noise-classifier/legacy-compat/runtime');

export function setLegacyRuntime(runtime: LegacyRuntime | undefined): void {
  (globalThis as unknown as Record<symbol, LegacyRuntime | undefined>)[RUNTIME_KEY] = runtime;
}

export function getLegacyRuntime(): LegacyRuntime | undefined {
  return (globalThis as unknown as Record<symbol, LegacyRuntime | undefined>)[RUNTIME_KEY];
}

const HINT = 'pass { runtime } (nodeRuntime from @noise-classifier/runtime-node, webRuntime from runtime-web) or call setLegacyRuntime(runtime)';

/** Adds the legacy way out to a "no runtime" error from the service (same code). */
export function withRuntimeHint(error: unknown): unknown {
  if (!(error instanceof NoiseClassifierError) || error.code !== 'E_RUNTIME_MISSING' || error.field !== 'runtime') return error;
  return new NoiseClassifierError('E_RUNTIME_MISSING', `${error.message}; with the legacy API: ${HINT}`, { field: 'runtime', cause: error });
}
