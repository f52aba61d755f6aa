import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type { InferenceBackend, InferenceSession, ModelSource, RunOptions, SessionOptions, SessionOutput } from '../backend';
import { checkRunInput, disposedError } from './check-run-input';
import { importRuntime } from './import-runtime';
// Names our exporter writes; foreign single-input models fall back to their own names.
import { ONNX_INPUT_NAME, ONNX_LOGITS_NAME } from '../onnx/export-onnx';

/*
 * onnxruntime-node and onnxruntime-web share one JavaScript API (onnxruntime-common). This adapter is written
 * against a structural view of that API, so the core package never imports either runtime; each runtime package
 * passes its own lazily imported module in.
 */

export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>, fetches?: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** The part of `onnxruntime-common` the adapter uses. */
export interface OrtModuleLike {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSessionLike> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
}

export interface OrtBackendSpec<M extends OrtModuleLike> {
  /** Backend name used by the registry, e.g. `onnxruntime-node`. */
  readonly name: string;
  /** npm package to name in "install …" errors. */
  readonly packageName: string;
  /** The lazy `import()` of the runtime. */
  readonly load: () => Promise<M>;
  /** Runs once after the import (global settings such as wasm threads). */
  readonly configure?: (ort: M) => void | Promise<void>;
  /** Session options for `InferenceSession.create`. */
  readonly sessionOptions: (options: SessionOptions) => object;
}


/** Builds an `InferenceBackend` for any onnxruntime flavour (format `onnx`). */
export function createOrtBackend<M extends OrtModuleLike>(spec: OrtBackendSpec<M>): InferenceBackend {
  let ortPromise: Promise<M> | undefined;
  const loadOnce = (): Promise<M> => {
    ortPromise ??= importRuntime(spec.packageName, spec.load).then(async (ort) => {
      await spec.configure?.(ort);
      return ort;
    });
    return ortPromise;
  };

  return {
    name: spec.name,
    formats: ['onnx'],
    async init() {
      await loadOnce();
    },
    async createSession(source: ModelSource, options: SessionOptions = {}): Promise<InferenceSession> {
      if (source?.format !== 'onnx' || !(source.bytes instanceof Uint8Array)) {
        throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', `${spec.name} opens ONNX models only`, {
          field: 'source',
          expected: "{ format: 'onnx', bytes: Uint8Array }",
          received: source && typeof source === 'object' ? `format ${describeValue((source as { format?: unknown }).format)}` : describeValue(source),
        });
      }
      const ort = await loadOnce();
      let session: OrtSessionLike;
      try {
        session = await ort.InferenceSession.create(source.bytes, spec.sessionOptions(options));
      } catch (error) {
        throw new NoiseClassifierError('E_MODEL_FORMAT', `${spec.name} could not load the ONNX model: ${error instanceof Error ? error.message : String(error)}`, {
          field: 'model',
          expected: 'a valid ONNX model',
          received: `${source.bytes.byteLength} bytes`,
          cause: error,
        });
      }
      return new OrtSession(spec.name, ort, session);
    },
  };
}

class OrtSession implements InferenceSession {
  private session: OrtSessionLike | undefined;
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(
    readonly backendName: string,
    private readonly ort: OrtModuleLike,
    session: OrtSessionLike,
  ) {
    this.session = session;
    this.inputName = pickName(session.inputNames, ONNX_INPUT_NAME, 'input', backendName);
    this.outputName = pickName(session.outputNames, ONNX_LOGITS_NAME, 'output', backendName, 'first');
  }

  get outputNames(): readonly string[] {
    return this.session?.outputNames ?? [];
  }

  async run(input: Float32Array, shape: readonly [number, number, number, number], options: RunOptions = {}): Promise<SessionOutput> {
    const session = this.session;
    if (!session) throw disposedError(this.backendName);
    checkRunInput(input, shape);
    const extraNames = options.extraOutputs ?? [];
    const missing = extraNames.find((name) => !session.outputNames.includes(name));
    if (missing !== undefined) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `${this.backendName}: the model has no output named "${missing}"`, {
        field: 'extraOutputs',
        expected: `one of ${session.outputNames.map((n) => `"${n}"`).join(', ')}`,
        received: `"${missing}"`,
      });
    }
    const tensor = new this.ort.Tensor('float32', input, shape);
    let outputs: Record<string, OrtTensorLike>;
    try {
      // Fetch only the logits (and extras asked for) so the optional probabilities head is not computed.
      outputs = await session.run({ [this.inputName]: tensor }, [this.outputName, ...extraNames.filter((n) => n !== this.outputName)]);
    } catch (error) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `${this.backendName} could not run the model: ${error instanceof Error ? error.message : String(error)}`, {
        field: 'input',
        received: `shape [${shape.join(', ')}]`,
        cause: error,
      });
    } finally {
      tensor.dispose?.();
    }
    try {
      // Copy: some runtimes hand out views into memory they reuse on the next run.
      const { data: logits, width: numClasses } = copyFloatMatrix(outputs, this.outputName, shape[0], 'classes', this.backendName);
      if (extraNames.length === 0) return { logits, batch: shape[0], numClasses };
      const extra: Record<string, { data: Float32Array; width: number }> = {};
      for (const name of extraNames) extra[name] = copyFloatMatrix(outputs, name, shape[0], 'width', this.backendName);
      return { logits, batch: shape[0], numClasses, extra };
    } finally {
      // Once each, after every copy (an extra output may be the logits tensor itself).
      for (const fetched of new Set(Object.values(outputs))) fetched.dispose?.();
    }
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

/**
 * The input/output to use: the name our exporter writes, else the model's only one (inputs) or its first one
 * (outputs: foreign classifiers may add more after the logits). A model without any is E_MODEL_FORMAT.
 */
function pickName(names: readonly string[], preferred: string, what: string, backendName: string, fallback: 'single' | 'first' = 'single'): string {
  if (names.includes(preferred)) return preferred;
  const [first] = names;
  if (first !== undefined && (fallback === 'first' || names.length === 1)) return first;
  throw new NoiseClassifierError('E_MODEL_FORMAT', `${backendName}: the model has no ${what} named "${preferred}"`, {
    field: what,
    expected: fallback === 'first' ? `at least one ${what}` : `an ${what} named "${preferred}" (or a single ${what})`,
    received: names.map((n) => `"${n}"`).join(', ') || 'none',
  });
}

/** Copies one float32 [batch, width] output: the runtime returns whatever the model declares, so its shape is checked. */
function copyFloatMatrix(
  outputs: Record<string, OrtTensorLike>,
  name: string,
  batch: number,
  widthName: string,
  backendName: string,
): { data: Float32Array; width: number } {
  const tensor = outputs[name];
  const [rows, width] = tensor?.dims ?? [];
  if (!tensor || tensor.dims.length !== 2 || rows !== batch || width === undefined || !(tensor.data instanceof Float32Array)) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${backendName}: output "${name}" is not float32 [batch, ${widthName}]`, {
      field: name,
      expected: `float32 [${batch}, ${widthName}]`,
      received: tensor ? `[${tensor.dims.join(', ')}]` : 'no such output',
    });
  }
  return { data: new Float32Array(tensor.data), width };
}
