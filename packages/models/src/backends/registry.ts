import { NoiseClassifierError, describeValue, isNoiseClassifierError } from '@noise-classifier/config';
import type { InferenceBackend, ModelSource } from '../backend';

/** What `listBackends()` reports about one registered backend. */
export interface RegisteredBackendInfo {
  readonly name: string;
  readonly priority: number;
  readonly formats: readonly ModelSource['format'][];
}

/** A set of backends ordered by priority; each is initialised at most once. */
export interface BackendRegistry {
  /** Adds a backend; a backend with the same name is replaced only by an equal or higher priority. */
  register(backend: InferenceBackend, priority?: number): void;
  /** Registered backends, highest priority first. */
  list(): readonly RegisteredBackendInfo[];
  /**
   * The backend to use for `format`: by name, or `'auto'` for the first (by priority) whose `init()` succeeds.
   * When none works, throws ONE error listing why each candidate failed.
   */
  resolve(nameOrAuto: string, format: ModelSource['format']): Promise<InferenceBackend>;
}

interface Entry {
  readonly backend: InferenceBackend;
  readonly priority: number;
  readonly order: number;
  /** Memoised `init()`; set before awaiting so concurrent resolves share one call. Failures are memoised too. */
  init?: Promise<void>;
}

const REGISTER_HINT =
  "register one with `import '@noise-classifier/runtime-node/register'` (Node) or " +
  "`import '@noise-classifier/runtime-web/register'` (browser), or call registerBackend()";

/** A fresh, empty registry (tests, or apps that want their own ordering). */
export function createBackendRegistry(): BackendRegistry {
  const entries = new Map<string, Entry>();
  let registrations = 0;

  const sorted = (): Entry[] => [...entries.values()].sort((a, b) => b.priority - a.priority || a.order - b.order);

  const initOnce = (entry: Entry): Promise<void> => {
    entry.init ??= Promise.resolve().then(() => entry.backend.init());
    return entry.init;
  };

  return {
    register(backend, priority = 0) {
      checkBackend(backend);
      if (typeof priority !== 'number' || !Number.isFinite(priority)) {
        throw new NoiseClassifierError('E_CONFIG', 'registerBackend: priority must be a finite number', {
          field: 'priority',
          expected: 'a finite number (higher wins)',
          received: describeValue(priority),
        });
      }
      const existing = entries.get(backend.name);
      if (existing && existing.priority > priority) return;
      if (existing?.backend === backend) {
        entries.set(backend.name, { ...existing, priority });
        return;
      }
      entries.set(backend.name, { backend, priority, order: registrations++ });
    },

    list() {
      return sorted().map(({ backend, priority }) => ({ name: backend.name, priority, formats: [...backend.formats] }));
    },

    async resolve(nameOrAuto, format) {
      if (typeof nameOrAuto !== 'string' || nameOrAuto.length === 0) {
        throw new NoiseClassifierError('E_CONFIG', 'resolveBackend: backend must be a backend name or "auto"', {
          field: 'backend',
          expected: `"auto" or one of ${describeNames([...entries.keys()])}`,
          received: describeValue(nameOrAuto),
        });
      }
      if (nameOrAuto !== 'auto') return resolveNamed(nameOrAuto, format);

      const candidates = sorted().filter((e) => e.backend.formats.includes(format));
      if (candidates.length === 0) {
        throw new NoiseClassifierError('E_RUNTIME_MISSING', `no inference backend is registered for ${format} models; ${REGISTER_HINT}`, {
          field: 'backend',
          expected: `a registered backend that opens ${format} models`,
          received: entries.size === 0 ? 'no backends registered' : `backends for other formats: ${describeNames([...entries.keys()])}`,
        });
      }
      const failures: { name: string; error: unknown }[] = [];
      for (const entry of candidates) {
        try {
          await initOnce(entry);
          return entry.backend;
        } catch (error) {
          failures.push({ name: entry.backend.name, error });
        }
      }
      // Every candidate failed: one error that says why each did. "Missing" only when every cause was a missing package.
      const allMissing = failures.every((f) => isNoiseClassifierError(f.error, 'E_RUNTIME_MISSING'));
      const reasons = failures.map((f) => `${f.name}: ${errorMessage(f.error)}`).join(' | ');
      throw new NoiseClassifierError(
        allMissing ? 'E_RUNTIME_MISSING' : 'E_RUNTIME_FAILED',
        `no inference backend could be initialised for ${format} models (tried ${failures.length}): ${reasons}`,
        { field: 'backend', cause: new AggregateError(failures.map((f) => f.error)) },
      );
    },
  };

  async function resolveNamed(name: string, format: ModelSource['format']): Promise<InferenceBackend> {
    const entry = entries.get(name);
    if (!entry) {
      throw new NoiseClassifierError('E_RUNTIME_MISSING', `inference backend "${name}" is not registered; ${REGISTER_HINT}`, {
        field: 'backend',
        expected: `"auto" or one of ${describeNames([...entries.keys()])}`,
        received: JSON.stringify(name),
      });
    }
    if (!entry.backend.formats.includes(format)) {
      throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', `inference backend "${name}" cannot open ${format} models`, {
        field: 'backend',
        expected: `a backend for ${format} models`,
        received: `"${name}", which opens ${entry.backend.formats.join(', ')}`,
      });
    }
    try {
      await initOnce(entry);
    } catch (error) {
      if (error instanceof NoiseClassifierError) throw error;
      throw new NoiseClassifierError('E_RUNTIME_FAILED', `inference backend "${name}" failed to initialise: ${errorMessage(error)}`, {
        field: 'backend',
        cause: error,
      });
    }
    return entry.backend;
  }
}

function checkBackend(backend: InferenceBackend): void {
  const ok =
    typeof backend === 'object' &&
    backend !== null &&
    typeof backend.name === 'string' &&
    backend.name.length > 0 &&
    Array.isArray(backend.formats) &&
    typeof backend.init === 'function' &&
    typeof backend.createSession === 'function';
  if (!ok) {
    throw new NoiseClassifierError('E_CONFIG', 'registerBackend: not an InferenceBackend', {
      field: 'backend',
      expected: 'an object with name, formats, init() and createSession()',
      received: describeValue(backend),
    });
  }
}

function describeNames(names: string[]): string {
  return names.length === 0 ? '(none registered)' : names.map((n) => `"${n}"`).join(', ');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The process-wide registry that `register` entries of the runtime packages add to. */
const defaultRegistry = createBackendRegistry();

/** Adds a backend to the default registry; higher priority is tried first by `resolveBackend('auto', …)`. */
export function registerBackend(backend: InferenceBackend, priority = 0): void {
  defaultRegistry.register(backend, priority);
}

/** Backends in the default registry, highest priority first. */
export function listBackends(): readonly RegisteredBackendInfo[] {
  return defaultRegistry.list();
}

/** Picks and initialises a backend from the default registry (see `BackendRegistry.resolve`). */
export function resolveBackend(nameOrAuto: string, format: ModelSource['format']): Promise<InferenceBackend> {
  return defaultRegistry.resolve(nameOrAuto, format);
}
