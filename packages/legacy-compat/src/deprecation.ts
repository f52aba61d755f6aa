/**
 * Deprecation warnings for the seed's V2 API: each old symbol warns once per process, naming its replacement.
 * Node gets a real `DeprecationWarning` (so `--no-deprecation`, `--throw-deprecation` and `process.on('warning')`
 * work as usual); anything else gets `console.warn`. No `node:*` import: Node is detected through `globalThis`.
 */

/** Every deprecated symbol, its stable warning code and what replaces it. Codes never change meaning. */
export const DEPRECATIONS = {
  NoiseClassifierV2: {
    code: 'NCV2_001',
    replacement: 'NoiseClassifierService.create({ config: createInferenceConfig(...) }) from @noise-classifier/pipelines',
  },
  AudioFeatureExtractor: {
    code: 'NCV2_002',
    replacement: 'TorchAudioFeatureExtractor from @noise-classifier/features',
  },
  LibrosaFeatureExtractor: {
    code: 'NCV2_003',
    replacement:
      'TorchAudioFeatureExtractor from @noise-classifier/features with createLibrosaFeatureConfig() (or the default torchaudio config)',
  },
  MLService: {
    code: 'NCV2_004',
    replacement: 'NoiseClassifierService from @noise-classifier/pipelines with toWireClassification() for JSON',
  },
  NoiseClassifierTrainer: {
    code: 'NCV2_005',
    replacement: 'train() of @noise-classifier/training (a custom tfjs model as recipe.initialModel) or tfjs model.fit',
  },
  EmergencyNoiseDetector: {
    code: 'NCV2_006',
    replacement: 'EmergencyNoiseDetector from @noise-classifier/pipelines',
  },
} as const satisfies Record<string, { code: string; replacement: string }>;

export type DeprecatedSymbol = keyof typeof DEPRECATIONS;
export type DeprecationCode = (typeof DEPRECATIONS)[DeprecatedSymbol]['code'];

/** Options every legacy class accepts. */
export interface DeprecationOptions {
  /** true: this instance emits no deprecation warning (others still may). */
  readonly silenceDeprecation?: boolean;
}

export const NO_DEPRECATION_ENV = 'NOISE_CLASSIFIER_NO_DEPRECATION';

interface DeprecationState {
  /** Symbols that already warned in this process. */
  readonly warned: Set<string>;
  silenced: boolean;
}

// Kept on globalThis under a registered symbol so the ESM and CJS builds (or two copies of the package
// in one app) still warn once per process, not once per copy.
const STATE_KEY = Symbol.for('@noise-classifier/legacy-compat/deprecations');

function state(): DeprecationState {
  const holder = globalThis as unknown as Record<symbol, DeprecationState | undefined>;
  holder[STATE_KEY] ??= { warned: new Set<string>(), silenced: false };
  return holder[STATE_KEY];
}

interface ProcessLike {
  emitWarning?: (message: string, options: { type: string; code: string }) => void;
  env?: Record<string, string | undefined>;
}

function nodeProcess(): ProcessLike | undefined {
  const candidate = (globalThis as { process?: ProcessLike }).process;
  return typeof candidate === 'object' && candidate !== null ? candidate : undefined;
}

function silencedByEnvironment(): boolean {
  const value = nodeProcess()?.env?.[NO_DEPRECATION_ENV];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The message an old symbol warns with. */
export function deprecationMessage(symbol: DeprecatedSymbol): string {
  return `${symbol} is deprecated and will be removed in a future major version; use ${DEPRECATIONS[symbol].replacement} instead. See docs/migration.md.`;
}

/**
 * Warns about `symbol` unless it already warned in this process, warnings are silenced
 * (`silenceDeprecations()`, `NOISE_CLASSIFIER_NO_DEPRECATION=1`) or the caller passed `silenceDeprecation: true`.
 * Returns whether a warning was emitted.
 */
export function warnDeprecated(symbol: DeprecatedSymbol, options: DeprecationOptions = {}): boolean {
  const s = state();
  if (options.silenceDeprecation === true || s.silenced || silencedByEnvironment() || s.warned.has(symbol)) return false;
  s.warned.add(symbol);
  const message = deprecationMessage(symbol);
  const proc = nodeProcess();
  if (typeof proc?.emitWarning === 'function') {
    proc.emitWarning(message, { type: 'DeprecationWarning', code: DEPRECATIONS[symbol].code });
  } else if (typeof console !== 'undefined') {
    console.warn(`[${DEPRECATIONS[symbol].code}] DeprecationWarning: ${message}`);
  }
  return true;
}

/** Silences every legacy-compat deprecation warning for the rest of the process (`silenceDeprecations(false)` turns them back on). */
export function silenceDeprecations(silence = true): void {
  state().silenced = silence;
}

/** Forgets which symbols already warned, so each warns again once. For tests. */
export function resetDeprecationWarnings(): void {
  state().warned.clear();
  state().silenced = false;
}
