import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { InferenceBackend, InferenceSession, ModelSource, RunOptions, SessionOptions, SessionOutput } from '../backend';
import { loadTf, type TfModule } from '../tfjs-loader';
import { registerCustomLayers } from '../layers/stochastic-depth';
import { loadTfjsModel, type TfjsModelFiles } from '../tfjs-format/tfjs-model-files';
import { checkRunInput, disposedError } from './check-run-input';
import { importRuntime } from './import-runtime';

export interface TfjsBackendOptions {
  /** Registry name; default `tfjs`. */
  readonly name?: string;
  /**
   * tfjs backend to switch to before the first session ('cpu', 'wasm', 'webgl'…); undefined keeps tfjs's choice.
   * tfjs backends are process-wide, so this changes the backend for every tfjs user in the process.
   * A session's `SessionOptions.device` overrides it.
   */
  readonly device?: string;
}

/**
 * Runs a tfjs model in process (format `tfjs`): an in-memory `tf.LayersModel`, or tfjs-format files
 * (`{ modelJson, weightsBin }` as `saveTfjsModel` writes them, or `tf.io.ModelArtifacts`) that it loads itself.
 * Input arrives NCHW like every backend's; tfjs layers are channels-last, so the session transposes to NHWC.
 */
export function createTfjsBackend(options: TfjsBackendOptions = {}): InferenceBackend {
  const name = options.name ?? 'tfjs';
  return {
    name,
    formats: ['tfjs'],
    async init() {
      const tf = await loadTf();
      if (options.device !== undefined) await useDevice(tf, options.device, undefined);
      await tf.ready();
    },
    async createSession(source: ModelSource, sessionOptions: SessionOptions = {}): Promise<InferenceSession> {
      if (source?.format !== 'tfjs' || typeof source.model !== 'object' || source.model === null) {
        throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', `${name} runs tfjs models only`, {
          field: 'source',
          expected: "{ format: 'tfjs', model: tf.LayersModel | TfjsModelFiles | tf.io.ModelArtifacts }",
          received: source && typeof source === 'object' ? `format ${describeValue((source as { format?: unknown }).format)}` : describeValue(source),
        });
      }
      const tf = await loadTf();
      const device = sessionOptions.device ?? options.device;
      if (device !== undefined) await useDevice(tf, device, sessionOptions.numThreads);
      const { model, owned } = await toLayersModel(tf, source.model);
      return new TfjsSession(name, tf, model, owned);
    },
  };
}

/** The default tfjs backend (whatever tfjs backend is active: cpu in Node, webgl in browsers). */
export const tfjsBackend: InferenceBackend = createTfjsBackend();

class TfjsSession implements InferenceSession {
  private model: Tf.LayersModel | undefined;

  constructor(
    readonly backendName: string,
    private readonly tf: TfModule,
    model: Tf.LayersModel,
    private readonly owned: boolean,
  ) {
    this.model = model;
  }

  async run(input: Float32Array, shape: readonly [number, number, number, number], options: RunOptions = {}): Promise<SessionOutput> {
    const model = this.model;
    if (!model) throw disposedError(this.backendName);
    checkRunInput(input, shape);
    if ((options.extraOutputs?.length ?? 0) > 0) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `${this.backendName} returns the logits only`, {
        field: 'extraOutputs',
        expected: 'none (run the ONNX file with onnxruntime for further outputs)',
        received: options.extraOutputs!.map((n) => `"${n}"`).join(', '),
      });
    }
    const tf = this.tf;
    let output: Tf.Tensor;
    try {
      output = tf.tidy(() => {
        const nhwc = tf.tensor4d(input, [...shape]).transpose([0, 2, 3, 1]);
        const y = model.predict(nhwc);
        const logits = Array.isArray(y) ? y[0] : (y as Tf.Tensor);
        if (!logits) throw new Error('predict returned no output tensor');
        return logits;
      });
    } catch (error) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `${this.backendName} could not run the model: ${error instanceof Error ? error.message : String(error)}`, {
        field: 'input',
        expected: `NCHW input matching the model input ${describeShape(model.inputs[0]?.shape)}`,
        received: `shape [${shape.join(', ')}]`,
        cause: error,
      });
    }
    try {
      const [batch, numClasses] = output.shape;
      if (output.shape.length !== 2 || batch !== shape[0] || numClasses === undefined) {
        throw new NoiseClassifierError('E_MODEL_MISMATCH', `${this.backendName}: model output is not [batch, classes]`, {
          field: 'logits',
          expected: `[${shape[0]}, classes]`,
          received: `[${output.shape.join(', ')}]`,
        });
      }
      const logits = (await output.data()) as Float32Array;
      return { logits: logits instanceof Float32Array ? logits : Float32Array.from(logits), batch, numClasses };
    } finally {
      output.dispose();
    }
  }

  async dispose(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    // A caller-provided LayersModel stays the caller's; only models this session loaded are freed.
    if (model && this.owned) model.dispose();
  }
}

async function useDevice(tf: TfModule, device: string, numThreads: number | undefined): Promise<void> {
  if (tf.getBackend() === device) return;
  if (device === 'wasm') {
    const wasm = await importRuntime('@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'));
    // Thread count is fixed when the wasm backend initialises; later sessions share it.
    if (numThreads !== undefined) wasm.setThreadsCount(numThreads);
  }
  const ok = await tf.setBackend(device);
  if (!ok) {
    throw new NoiseClassifierError('E_RUNTIME_FAILED', `tfjs could not switch to the "${device}" backend`, {
      field: 'device',
      expected: `one of the registered tfjs backends (${Object.keys(tf.engine().registryFactory).join(', ')})`,
      received: JSON.stringify(device),
    });
  }
}

async function toLayersModel(tf: TfModule, model: object): Promise<{ model: Tf.LayersModel; owned: boolean }> {
  // Duck-typed: a second copy of tfjs in node_modules would defeat `instanceof`.
  if (typeof (model as Tf.LayersModel).predict === 'function' && Array.isArray((model as Tf.LayersModel).inputs)) {
    return { model: model as Tf.LayersModel, owned: false };
  }
  const files = model as Partial<TfjsModelFiles>;
  if (typeof files.modelJson === 'string' && files.weightsBin instanceof Uint8Array) {
    return { model: (await loadTfjsModel(files as TfjsModelFiles, { tf })).model, owned: true };
  }
  const artifacts = model as Partial<Tf.io.ModelArtifacts>;
  if (artifacts.modelTopology !== undefined && artifacts.weightSpecs !== undefined && artifacts.weightData !== undefined) {
    registerCustomLayers(tf);
    try {
      return { model: await tf.loadLayersModel(tf.io.fromMemory(artifacts as Tf.io.ModelArtifacts)), owned: true };
    } catch (error) {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `tfjs could not load the model artifacts: ${error instanceof Error ? error.message : String(error)}`, {
        field: 'model',
        expected: 'tfjs-format artifacts (model.json topology, weight specs, weight data)',
        cause: error,
      });
    }
  }
  throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', 'tfjs backend: model is neither a tf.LayersModel nor tfjs-format artifacts', {
    field: 'model',
    expected: 'a tf.LayersModel, tfjs-format files { modelJson, weightsBin } or tf.io.ModelArtifacts',
    received: describeValue(model),
  });
}

function describeShape(shape: readonly (number | null)[] | undefined): string {
  return shape ? `[${shape.map((d) => (d === null ? 'batch' : d)).join(', ')}]` : 'of unknown shape';
}
