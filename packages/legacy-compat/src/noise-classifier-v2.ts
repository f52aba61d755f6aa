import { createInferenceConfig, type InferenceConfig, type InferenceDevice } from '@noise-classifier/config';
import type { AudioInput } from '@noise-classifier/features';
import { NoiseClassifierService, toWireClassification, type WireClassification } from '@noise-classifier/pipelines';
import { getLegacyRuntime, withRuntimeHint, type LegacyRuntime } from './default-runtime';
import { warnDeprecated, type DeprecationOptions } from './deprecation';
import { withOldTerms, withOldTermsSync } from './old-terms';


export interface NoiseClassifierV2Options extends DeprecationOptions {
  /** Model file (ONNX). Omitted: the bundled default model. `model_path` is accepted too. */
  readonly modelPath?: string;
  readonly model_path?: string;
  /** 'cpu' (default) or 'cuda', as in the seed; also 'auto', 'wasm', 'webgpu'. */
  readonly device?: InferenceDevice;
  /**
   * Platform services (file access, backends), e.g. `nodeRuntime` from @noise-classifier/runtime-node.
   * Default: the one `setLegacyRuntime` set, else the platform's own (Node: files + onnxruntime-node).
   */
  readonly runtime?: LegacyRuntime;
}

/** The seed's result: `predicted_class`, `confidence`, `probabilities`, `top_k` (plus duration and model metadata). */
export type LegacyClassification = WireClassification;

// The seed's parameter names, for errors raised by the new API underneath.
const OLD_FIELD_NAMES = {
  modelPath: 'model_path',
  sampleRate: 'sample_rate',
  returnTopK: 'return_top_k',
  topK: 'return_top_k',
};

/**
 * The seed's `NoiseClassifierV2(model_path, device)`: a thin wrapper over `NoiseClassifierService`.
 *
 * Loading a model is asynchronous in JavaScript, so there are two ways in: `await NoiseClassifierV2.create(...)`
 * loads at once (and reports a bad model path right there); `new NoiseClassifierV2(...)` loads lazily on the first
 * `classify`, which then reports it. Both take the seed's positional form `('model.onnx', 'cpu')` or one options object.
 *
 * @deprecated Use `await NoiseClassifierService.create({ config: createInferenceConfig({ modelPath, device, returnTopK }) })`
 * from `@noise-classifier/pipelines`, and `toWireClassification(result)` where you need the snake_case keys.
 * Warning code NCV2_001.
 */
export class NoiseClassifierV2 {
  /** The inference config the wrapper passes on (model path, device). */
  readonly config: InferenceConfig;
  private readonly runtime?: LegacyRuntime;
  private loading?: Promise<NoiseClassifierService>;

  constructor(modelPath?: string, device?: InferenceDevice, options?: NoiseClassifierV2Options);
  constructor(options?: NoiseClassifierV2Options);
  constructor(first?: string | NoiseClassifierV2Options, device?: InferenceDevice, extra: NoiseClassifierV2Options = {}) {
    const options: NoiseClassifierV2Options =
      typeof first === 'object' && first !== null
        ? first
        : { ...extra, ...(first === undefined ? {} : { modelPath: first }), ...(device === undefined ? {} : { device }) };
    warnDeprecated('NoiseClassifierV2', options);
    const modelPath = options.modelPath ?? options.model_path;
    this.config = withOldTermsSync(OLD_FIELD_NAMES, () =>
      createInferenceConfig({
        ...(modelPath === undefined ? {} : { modelPath }),
        ...(options.device === undefined ? {} : { device: options.device }),
      }),
    );
    this.runtime = options.runtime;
  }

  /** Builds the wrapper and loads the model now. Same arguments as the constructor. */
  static async create(modelPath?: string, device?: InferenceDevice, options?: NoiseClassifierV2Options): Promise<NoiseClassifierV2>;
  static async create(options?: NoiseClassifierV2Options): Promise<NoiseClassifierV2>;
  static async create(
    first?: string | NoiseClassifierV2Options,
    device?: InferenceDevice,
    options?: NoiseClassifierV2Options,
  ): Promise<NoiseClassifierV2> {
    const classifier =
      typeof first === 'object' && first !== null ? new NoiseClassifierV2(first) : new NoiseClassifierV2(first, device, options);
    await classifier.load();
    return classifier;
  }

  /** Loads the model (once); `classify` calls this itself. Resolves to the service doing the work. */
  load(): Promise<NoiseClassifierService> {
    const runtime = this.runtime ?? getLegacyRuntime();
    this.loading ??= withOldTerms(OLD_FIELD_NAMES, () =>
      NoiseClassifierService.create({
        config: this.config,
        ...(runtime === undefined ? {} : { runtime }),
      }).catch((error: unknown) => {
        throw withRuntimeHint(error);
      }),
    );
    // A failed load is not cached: fixing the file and calling again works.
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /**
   * The seed's `classify(audio, sample_rate=48000, return_top_k=5)`: same values as
   * `NoiseClassifierService.classify(audio, sampleRate, { topK })`, in the seed's snake_case keys.
   */
  async classify(audio: AudioInput, sampleRate = 48_000, returnTopK = 5): Promise<LegacyClassification> {
    const service = await this.load();
    const result = await withOldTerms(OLD_FIELD_NAMES, () => service.classify(audio, sampleRate, { topK: returnTopK }));
    return toWireClassification(result);
  }

  /** Releases the model session. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await (await loading.catch(() => undefined))?.dispose();
  }
}
