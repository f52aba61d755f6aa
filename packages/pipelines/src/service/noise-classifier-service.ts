import {
  NoiseClassifierError,
  createInferenceConfig,
  describeValue,
  windowDurationSeconds,
  type AudioFeatureConfig,
  type InferenceConfig,
  type LabelSource,
  type TrainingConfig,
  type WindowAggregation,
} from '@noise-classifier/config';
import { concatModelInputBatches, type AudioInput, type ModelInputBatch } from '@noise-classifier/features';
import {
  exportOnnx,
  loadTfjsModel,
  readOnnxModelInfo,
  createBackendRegistry,
  resolveBackend,
  saveTfjsModel,
  ONNX_AUDIOSET_LOGITS_NAME,
  type InferenceBackend,
  type PlatformRuntime,
  type ExportOnnxOptions,
  type InferenceSession,
  type ModelMetadata,
  type TfjsModelFiles,
} from '@noise-classifier/models';
import { defaultModelLocation, DEFAULT_MODEL_FILE } from '../default-model';
import type { NoiseDataset } from '../data/noise-dataset';
import { joinLocation } from '../data/paths';
import type { ClassificationMetadata, ClassificationResult, WindowResult } from '../core/classification-result';
import { createFrontEnd } from '../core/create-front-end';
import type { FrontEnd } from '../core/front-end';
import { loadDefaultRuntime } from '../core/default-runtime';
import { aggregateRows, argmax, softmaxRows, topKOf } from '../core/probabilities';
import { StreamingClassifier, type StreamingOptions } from '../streaming/streaming-classifier';
import type { ServiceTrainer, ServiceTrainingHistory, TrainedModel } from './service-trainer';
import { NUM_AUDIOSET_CLASSES, audioSetScores, topAudioSetTags } from '../audioset/audioset-evidence';

export type { ServiceTrainingHistory } from './service-trainer';

export interface ServiceCreateOptions {
  /** Inference settings (createInferenceConfig input); `modelPath` may also be given here. */
  config?: InferenceConfig | Record<string, unknown>;
  /** ONNX model file, read through `runtime.readFile`. Omitted (and no `model`): the bundled default model. */
  modelPath?: string;
  /** ONNX model bytes (no file access needed). */
  model?: Uint8Array;
  /**
   * Platform services: file access and backends (e.g. `nodeRuntime`). Default: the platform's, chosen by export
   * conditions (Node: onnxruntime-node + files + the bundled model; browsers/bundlers: onnxruntime-web + fetch).
   */
  runtime?: PlatformRuntime;
  /** A specific inference backend; otherwise the runtime's, then the global registry's (`config.backend`). */
  backend?: InferenceBackend;
  /** An in-process tfjs model (after training): enables `export(path, 'tfjs')`. ONNX bytes are produced from it. */
  tfjsModel?: unknown;
  /** Metadata of `tfjsModel`. */
  metadata?: ModelMetadata;
  /** A tfjs-format checkpoint (model.json + weights.bin, e.g. `train`'s output): loaded, then as `tfjsModel`. */
  tfjsFiles?: TfjsModelFiles;
  /** Enables `train` / `trainPretrained`: `serviceTrainer` from @noise-classifier/training (injected, see service-trainer.ts). */
  trainer?: ServiceTrainer;
}

export interface ClassifyOptions {
  /** Number of entries in `topK` (default config.returnTopK). */
  topK?: number;
  /** Length of each timeline segment, s (default: one model window, spectrogramWidth frames). */
  windowSeconds?: number;
  /** Hop between segments, s (default config.hopSeconds, else half a segment). */
  hopSeconds?: number;
  aggregation?: WindowAggregation;
  /** Include the per-segment timeline (default: when there is more than one segment). */
  returnWindows?: boolean;
  /**
   * Also return the k highest-scoring AudioSet classes (`result.audioSetTags`), for models with an AudioSet output
   * (`audioset_logits`, e.g. the EfficientAT-based default). 0 or absent: none; a model without it: E_MODEL_MISMATCH.
   */
  audioSetTopK?: number;
}

export type BatchItem = AudioInput | { audio: AudioInput; sampleRate?: number };

interface PreparedClip {
  batch: ModelInputBatch;
  /** Model-window indices of each segment. */
  segments: { start: number; end: number; windows: number[] }[];
  durationSeconds: number;
}

/**
 * Classifies environmental noise with an ONNX model (the seed's `NoiseClassifierService`). The model file carries
 * its labels and feature config, so the front end is configured from it: one source of truth.
 */
export class NoiseClassifierService {
  readonly config: InferenceConfig;
  /** Model metadata, labels and feature config; replaced when `train()` swaps in a new model. */
  metadata: ModelMetadata;
  labels: readonly string[];
  featureConfig: AudioFeatureConfig;
  backendName: string;
  /** Where the model came from (path, 'bytes', 'tfjs' or 'trained'). */
  modelLocation: string;
  private modelBytes: Uint8Array;
  private readonly runtime?: PlatformRuntime;
  private tfjsModel?: unknown;
  private session: InferenceSession | null;
  private readonly backend: InferenceBackend;
  /** The tfjs model was loaded or trained here, so dispose() releases it too. */
  private ownsTfjsModel = false;
  private readonly trainer: ServiceTrainer | undefined;
  private frontEnd: FrontEnd;

  private constructor(init: {
    config: InferenceConfig;
    metadata: ModelMetadata;
    modelBytes: Uint8Array;
    modelLocation: string;
    runtime?: PlatformRuntime;
    backend: InferenceBackend;
    session: InferenceSession;
    frontEnd: FrontEnd;
    tfjsModel?: unknown;
    trainer?: ServiceTrainer;
  }) {
    this.trainer = init.trainer;
    this.config = init.config;
    this.metadata = init.metadata;
    this.labels = init.metadata.labels;
    this.featureConfig = init.metadata.featureConfig;
    this.modelBytes = init.modelBytes;
    this.modelLocation = init.modelLocation;
    this.runtime = init.runtime;
    this.backend = init.backend;
    this.session = init.session;
    this.backendName = init.session.backendName;
    this.frontEnd = init.frontEnd;
    this.tfjsModel = init.tfjsModel;
  }

  static async create(options: ServiceCreateOptions = {}): Promise<NoiseClassifierService> {
    if (typeof options !== 'object' || options === null) {
      throw new NoiseClassifierError('E_CONFIG', 'NoiseClassifierService.create takes one options object', {
        field: 'options',
        expected: '{ config?, modelPath?, model?, runtime?, backend? }',
        received: describeValue(options),
      });
    }
    if (options.tfjsFiles !== undefined) {
      const { tfjsFiles, ...rest } = options;
      const loaded = await loadTfjsModel(tfjsFiles);
      try {
        const service = await NoiseClassifierService.create({ ...rest, tfjsModel: loaded.model, metadata: loaded.metadata });
        service.ownsTfjsModel = true;
        return service;
      } catch (error) {
        loaded.model.dispose();
        throw error;
      }
    }
    const config = createInferenceConfig(options.config ?? {});
    const readsFile = options.tfjsModel === undefined && options.model === undefined;
    const runtime = options.runtime ?? (await platformDefault(readsFile, options.backend));
    let modelBytes: Uint8Array;
    let modelLocation: string;
    if (options.tfjsModel !== undefined) {
      if (!options.metadata) {
        throw new NoiseClassifierError('E_CONFIG', 'A tfjs model needs its metadata', {
          field: 'metadata',
          expected: 'the ModelMetadata of tfjsModel (labels, feature and model config)',
          received: 'none',
        });
      }
      modelBytes = exportOnnx(options.tfjsModel as Parameters<typeof exportOnnx>[0], options.metadata);
      modelLocation = 'tfjs';
    } else if (options.model !== undefined) {
      if (!(options.model instanceof Uint8Array)) {
        throw new NoiseClassifierError('E_MODEL_FORMAT', 'model must be the bytes of an ONNX file', {
          field: 'model',
          expected: 'a Uint8Array',
          received: describeValue(options.model),
        });
      }
      modelBytes = options.model;
      modelLocation = 'bytes';
    } else {
      const path = options.modelPath ?? config.modelPath;
      // The caller's runtime, else the platform default (set above; loading it throws E_RUNTIME_MISSING).
      const files = runtime ?? (await loadDefaultRuntime());
      modelLocation = path ?? files.defaultModelLocation ?? defaultModelLocation() ?? DEFAULT_MODEL_FILE;
      try {
        modelBytes = await files.readFile(modelLocation);
      } catch (error) {
        if (error instanceof NoiseClassifierError && error.code === 'E_MODEL_NOT_FOUND' && path === undefined) {
          throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `The bundled default model is missing at ${modelLocation}`, {
            field: 'modelPath',
            expected: 'a model path, or an installation that includes the default model',
            received: modelLocation,
            cause: error,
          });
        }
        throw error;
      }
    }
    const metadata = options.metadata ?? readOnnxModelInfo(modelBytes).metadata;
    const backend = options.backend ?? (await pickBackend(config, runtime));
    const session = await backend.createSession(
      { format: 'onnx', bytes: modelBytes },
      { ...(config.numThreads === undefined ? {} : { numThreads: config.numThreads }), device: config.device },
    );
    const frontEnd = await createFrontEnd(metadata.featureConfig, metadata.modelConfig.inputChannels);
    return new NoiseClassifierService({ config, metadata, modelBytes, modelLocation, runtime, backend, session, frontEnd, tfjsModel: options.tfjsModel, ...(options.trainer ? { trainer: options.trainer } : {}) });
  }

  /** Same as `create({ modelPath })` (the seed's load). */
  static load(modelPath: string, options: Omit<ServiceCreateOptions, 'modelPath' | 'model'> = {}): Promise<NoiseClassifierService> {
    return NoiseClassifierService.create({ ...options, modelPath });
  }

  /** Duration of one model window, s. */
  get windowSeconds(): number {
    return windowDurationSeconds(this.featureConfig);
  }

  /** The seed's `classify(audio, sample_rate, return_top_k)`. */
  async classify(audio: AudioInput, sampleRate?: number, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    const [result] = await this.classifyBatch([{ audio, sampleRate }], options);
    return result!; // classifyBatch answers one result per item
  }

  /** Classifies many clips; all their windows go to the model together, in batches of ≤ config.maxBatchSize. */
  async classifyBatch(items: readonly BatchItem[], options: ClassifyOptions = {}): Promise<ClassificationResult[]> {
    this.checkOpen();
    if (!Array.isArray(items)) {
      throw new NoiseClassifierError('E_BAD_AUDIO', 'classifyBatch takes an array of clips', {
        field: 'items',
        expected: 'an array of audio inputs or { audio, sampleRate }',
        received: describeValue(items),
      });
    }
    const topK = checkTopK(options.topK ?? this.config.returnTopK);
    const audioSetTopK = this.checkAudioSetTopK(options.audioSetTopK);
    const aggregation = options.aggregation ?? this.config.aggregation;
    const classes = this.labels.length;
    const results: ClassificationResult[] = new Array(items.length);
    // Two-stage pipeline: while onnxruntime runs one group of windows (on its own threads), the next clips are
    // decoded and featurised on this thread. Groups hold at least maxBatchSize windows, so model calls stay full.
    let inflight: Promise<void> = Promise.resolve();
    let group: { index: number; clip: PreparedClip }[] = [];
    let groupWindows = 0;
    const launch = async () => {
      const current = group;
      group = [];
      groupWindows = 0;
      await inflight;
      inflight = this.runWindows(current.map((g) => g.clip.batch), audioSetTopK > 0).then(({ probs, audioSet }) => {
        let offset = 0;
        for (const { index, clip } of current) {
          const rows = probs.subarray(offset * classes, (offset + clip.batch.count) * classes);
          const result = this.toResult(rows, clip, topK, aggregation, options.returnWindows);
          if (audioSet) {
            const scores = audioSet.subarray(offset * NUM_AUDIOSET_CLASSES, (offset + clip.batch.count) * NUM_AUDIOSET_CLASSES);
            // Scores are independent sigmoids: averaged (or the strongest window) but never renormalised.
            const clipScores = aggregation === 'max' ? maxRows(scores, clip.batch.count, NUM_AUDIOSET_CLASSES) : aggregateRows(scores, clip.batch.count, NUM_AUDIOSET_CLASSES, 'mean');
            result.audioSetTags = topAudioSetTags(clipScores, audioSetTopK);
          }
          offset += clip.batch.count;
          results[index] = result;
        }
      });
      // Keep a rejection from surfacing as unhandled before it is awaited.
      inflight.catch(() => undefined);
    };
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const { audio, sampleRate } = isWrapped(item) ? item : { audio: item, sampleRate: undefined };
      let clip: PreparedClip;
      try {
        clip = await this.prepareClip(audio, sampleRate, options);
      } catch (error) {
        await inflight.catch(() => undefined);
        throw error;
      }
      group.push({ index: i, clip });
      groupWindows += clip.batch.count;
      if (groupWindows >= this.config.maxBatchSize) await launch();
    }
    if (group.length > 0) await launch();
    await inflight;
    return results;
  }

  /** Probabilities [count × classes] for ready-made model windows (evaluation, streaming). */
  async predictWindows(batch: ModelInputBatch): Promise<Float32Array> {
    this.checkOpen();
    return (await this.runWindows([batch])).probs;
  }

  /**
   * Probabilities [count × labels] and AudioSet sigmoid scores [count × 527] for ready-made model windows (models
   * with an AudioSet output; others are E_MODEL_MISMATCH). The emergency detector's AudioSet evidence uses it.
   */
  async predictWindowsWithAudioSet(batch: ModelInputBatch): Promise<{ probabilities: Float32Array; audioSetScores: Float32Array }> {
    this.checkOpen();
    this.checkAudioSetTopK(1);
    const { probs, audioSet } = await this.runWindows([batch], true);
    return { probabilities: probs, audioSetScores: audioSet! };
  }

  /** Log-mel + windows of prepared mono audio at the model's rate (shared with streaming and evaluation). */
  featurize(audio: Float32Array, hopFrames = Math.max(1, this.featureConfig.spectrogramWidth >> 1)): ModelInputBatch {
    return this.frontEnd.windows(this.frontEnd.logMel(audio), hopFrames);
  }

  /** Decodes/validates and resamples to the model's rate. */
  prepareAudio(audio: AudioInput, sampleRate?: number): Promise<Float32Array> {
    return this.frontEnd.prepare(audio, sampleRate);
  }

  /** A streaming classifier for chunks at `options.sampleRate` (microphones). */
  createStream(options: StreamingOptions = {}): StreamingClassifier {
    this.checkOpen();
    return new StreamingClassifier(this, this.frontEnd, options);
  }

  /**
   * The seed's `service.train(train_dataset, val_dataset, config, options)`: trains a new model on the datasets with
   * the injected trainer (`create({ trainer })`; architecture from `options.modelConfig`, default cnn_small; labels
   * from the data), then this service switches to it, so `classify`, `export('onnx')` and `export('tfjs')` use the
   * trained model. Returns the history (camelCase; `toWireHistory` gives the seed's snake_case keys).
   */
  async train(trainDataset: unknown, valDataset: unknown, config: object = {}, options: object = {}): Promise<ServiceTrainingHistory> {
    return this.trainWith({ kind: 'scratch', trainData: trainDataset, validationData: valDataset, config, options });
  }

  /**
   * Transfer learning from a pretrained backbone (`loadPretrainedBackbone` of @noise-classifier/training): a head
   * on frozen embeddings, optionally followed by fine-tuning the whole network; the result (backbone + head, the
   * weights' front end in its metadata) replaces the current model. `options` holds at least `{ tf, backbone }`.
   */
  async trainPretrained(trainDataset: NoiseDataset, valDataset: NoiseDataset | null, config: Partial<TrainingConfig> = {}, options: object): Promise<ServiceTrainingHistory> {
    return this.trainWith({ kind: 'pretrained', trainData: trainDataset, validationData: valDataset, config, options });
  }

  private async trainWith(request: Omit<Parameters<ServiceTrainer>[0], 'featureConfig'>): Promise<ServiceTrainingHistory> {
    this.checkOpen();
    if (!this.trainer) {
      throw new NoiseClassifierError('E_CONFIG', 'This service has no trainer: create it with one to train', {
        field: 'trainer',
        expected: "NoiseClassifierService.create({ trainer: serviceTrainer }) with serviceTrainer from '@noise-classifier/training'",
        received: 'none',
      });
    }
    const trained: TrainedModel = await this.trainer({ ...request, featureConfig: this.featureConfig });
    await this.replaceModel(trained.model, trained.metadata, trained.exportOptions);
    return trained.history;
  }

  /** Swaps in a tfjs model (exported to ONNX for the runtime); the old session and owned model are released. */
  private async replaceModel(model: unknown, metadata: ModelMetadata, exportOptions: ExportOnnxOptions = {}): Promise<void> {
    const bytes = exportOnnx(model as Parameters<typeof exportOnnx>[0], metadata, exportOptions);
    const session = await this.backend.createSession(
      { format: 'onnx', bytes },
      { ...(this.config.numThreads === undefined ? {} : { numThreads: this.config.numThreads }), device: this.config.device },
    );
    const frontEnd = await createFrontEnd(metadata.featureConfig, metadata.modelConfig.inputChannels);
    const oldSession = this.session;
    const oldModel = this.ownsTfjsModel ? (this.tfjsModel as { dispose(): void } | undefined) : undefined;
    this.session = session;
    this.backendName = session.backendName;
    this.frontEnd = frontEnd;
    this.modelBytes = bytes;
    this.metadata = metadata;
    this.labels = metadata.labels;
    this.featureConfig = metadata.featureConfig;
    this.modelLocation = 'trained';
    this.tfjsModel = model;
    this.ownsTfjsModel = true;
    await oldSession?.dispose();
    if (oldModel && oldModel !== model) oldModel.dispose();
  }

  /**
   * Writes the model: 'onnx' (what this service runs) or 'tfjs' (model.json + weights.bin in folder `path`,
   * only for a service built from a tfjs model). 'torchscript' is PyTorch-only.
   */
  async export(path: string, format: 'onnx' | 'tfjs' | string = 'onnx'): Promise<void> {
    this.checkOpen();
    const write = this.runtime?.writeFileAtomic;
    if (format === 'torchscript') {
      throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', 'TorchScript is a PyTorch format and cannot be produced here; export ONNX instead (PyTorch and onnxruntime load it)', {
        field: 'format',
        expected: "'onnx' or 'tfjs'",
        received: "'torchscript'",
      });
    }
    if (format !== 'onnx' && format !== 'tfjs') {
      throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', `Unknown export format ${JSON.stringify(format)}`, {
        field: 'format',
        expected: "'onnx' or 'tfjs'",
        received: describeValue(format),
      });
    }
    if (!write) {
      throw new NoiseClassifierError('E_RUNTIME_MISSING', 'Exporting needs a runtime that can write files', {
        field: 'runtime.writeFileAtomic',
        expected: 'a runtime with writeFileAtomic (nodeRuntime from @noise-classifier/runtime-node)',
        received: this.runtime ? `runtime "${this.runtime.name}" without writeFileAtomic` : 'no runtime',
      });
    }
    if (format === 'onnx') {
      await write(path, this.modelBytes);
      return;
    }
    if (this.tfjsModel === undefined) {
      throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', 'tfjs export needs a trained tfjs checkpoint: this service was loaded from ONNX, which cannot be turned back into a tfjs model', {
        field: 'format',
        expected: "'onnx', or a service created from a tfjs model (NoiseClassifierService.create({ tfjsModel, metadata }))",
        received: `'tfjs' for a model loaded from ${this.modelLocation}`,
      });
    }
    const files = await saveTfjsModel(this.tfjsModel as Parameters<typeof saveTfjsModel>[0], this.metadata);
    await write(joinLocation(path, 'model.json'), files.modelJson);
    await write(joinLocation(path, 'weights.bin'), files.weightsBin);
  }

  /** The seed's save: writes the ONNX model. */
  save(path: string): Promise<void> {
    return this.export(path, 'onnx');
  }

  /** Releases the inference session; later calls fail with E_DISPOSED. Safe to call twice. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.dispose();
    if (session && this.ownsTfjsModel) (this.tfjsModel as { dispose(): void }).dispose();
  }

  private checkOpen(): void {
    if (!this.session) {
      throw new NoiseClassifierError('E_DISPOSED', 'This NoiseClassifierService was disposed', {
        expected: 'a service that has not been disposed',
        received: 'a disposed service',
      });
    }
  }

  private async prepareClip(audio: AudioInput, sampleRate: number | undefined, options: ClassifyOptions): Promise<PreparedClip> {
    const samples = await this.frontEnd.prepare(audio, sampleRate);
    const cfg = this.featureConfig;
    const spec = this.frontEnd.logMel(samples);
    const framesPerSecond = cfg.sampleRate / cfg.hopLength;
    const width = cfg.spectrogramWidth;
    const segFrames = options.windowSeconds === undefined ? width : Math.max(width, Math.round(options.windowSeconds * framesPerSecond) + 1);
    const hopSeconds = options.hopSeconds ?? this.config.hopSeconds;
    const hopFrames = Math.max(1, hopSeconds === null ? Math.floor(segFrames / 2) : Math.round(hopSeconds * framesPerSecond));
    if (options.windowSeconds !== undefined) checkPositive('windowSeconds', options.windowSeconds);
    if (options.hopSeconds !== undefined) checkPositive('hopSeconds', options.hopSeconds);
    // Segment starts, the last aligned to the end so the tail is covered.
    const segStarts: number[] = [];
    if (spec.frames <= segFrames) segStarts.push(0);
    else {
      for (let s = 0; s + segFrames <= spec.frames; s += hopFrames) segStarts.push(s);
      if (segStarts[segStarts.length - 1] !== spec.frames - segFrames) segStarts.push(spec.frames - segFrames);
    }
    // Model windows: every segment cut into windows of `width` frames (half-window hop inside a segment).
    let batch: ModelInputBatch;
    const segments: PreparedClip['segments'] = [];
    if (segFrames === width && hopFrames <= width) {
      batch = this.frontEnd.windows(spec, hopFrames);
      batch.startFrames.forEach((s, w) => segments.push({ start: s, end: Math.min(spec.frames, s + width), windows: [w] }));
    } else {
      const parts: ModelInputBatch[] = [];
      let count = 0;
      for (const s of segStarts) {
        const len = Math.min(segFrames, spec.frames - s);
        const sub = { data: sliceFrames(spec.data, spec.bins, spec.frames, s, len), bins: spec.bins, frames: len };
        const w = this.frontEnd.windows(sub, Math.max(1, Math.min(width >> 1, hopFrames)));
        segments.push({ start: s, end: s + len, windows: Array.from({ length: w.count }, (_, i) => count + i) });
        count += w.count;
        parts.push(w);
      }
      batch = concatModelInputBatches(parts);
    }
    return { batch, segments, durationSeconds: samples.length / cfg.sampleRate };
  }

  /** Probabilities [windows × labels], and with `withAudioSet` the AudioSet sigmoid scores [windows × 527]. */
  private async runWindows(batches: readonly ModelInputBatch[], withAudioSet = false): Promise<{ probs: Float32Array; audioSet?: Float32Array }> {
    const total = batches.reduce((n, b) => n + b.count, 0);
    const classes = this.labels.length;
    const out = new Float32Array(total * classes);
    const audioSet = withAudioSet ? new Float32Array(total * NUM_AUDIOSET_CLASSES) : undefined;
    const [first] = batches;
    if (total === 0 || first === undefined) return { probs: out, audioSet };
    const { channels, height, width } = first;
    const per = channels * height * width;
    const max = this.config.maxBatchSize;
    // Copy windows into model-sized chunks across clip boundaries.
    let row = 0;
    const chunk = new Float32Array(Math.min(max, total) * per);
    let filled = 0;
    const flush = async () => {
      if (filled === 0) return;
      const output = await this.session!.run(
        chunk.subarray(0, filled * per),
        [filled, channels, height, width],
        audioSet ? { extraOutputs: [ONNX_AUDIOSET_LOGITS_NAME] } : undefined,
      );
      if (output.numClasses !== classes || output.batch !== filled) {
        throw new NoiseClassifierError('E_MODEL_MISMATCH', 'Model output does not match its labels', {
          field: 'logits',
          expected: `${filled} × ${classes}`,
          received: `${output.batch} × ${output.numClasses}`,
        });
      }
      out.set(softmaxRows(output.logits, filled, classes), row * classes);
      if (audioSet) {
        const extra = output.extra?.[ONNX_AUDIOSET_LOGITS_NAME];
        if (!extra || extra.width !== NUM_AUDIOSET_CLASSES) {
          throw new NoiseClassifierError('E_MODEL_MISMATCH', `The model's ${ONNX_AUDIOSET_LOGITS_NAME} output is not one logit per AudioSet class`, {
            field: ONNX_AUDIOSET_LOGITS_NAME,
            expected: `${NUM_AUDIOSET_CLASSES} values per window`,
            received: extra ? `${extra.width}` : 'no output',
          });
        }
        audioSet.set(audioSetScores(extra.data, filled), row * NUM_AUDIOSET_CLASSES);
      }
      row += filled;
      filled = 0;
    };
    for (const b of batches) {
      for (let w = 0; w < b.count; w++) {
        chunk.set(b.data.subarray(w * per, (w + 1) * per), filled * per);
        filled++;
        if (filled === max) await flush();
      }
    }
    await flush();
    return { probs: out, audioSet };
  }

  /** Where each label's probability comes from; models without `labelSources` metadata trained every label. */
  get labelSources(): Readonly<Record<string, LabelSource>> {
    return this.metadata.labelSources ?? Object.fromEntries(this.labels.map((l) => [l, 'trained' as const]));
  }

  /** Whether the model has the AudioSet output `classify({ audioSetTopK })` reads. */
  get hasAudioSetOutput(): boolean {
    return this.session?.outputNames?.includes(ONNX_AUDIOSET_LOGITS_NAME) ?? false;
  }

  private checkAudioSetTopK(k: unknown): number {
    if (k === undefined || k === 0) return 0;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
      throw new NoiseClassifierError('E_CONFIG', 'audioSetTopK must be a non-negative integer', {
        field: 'audioSetTopK',
        expected: `an integer in [0, ${NUM_AUDIOSET_CLASSES}]`,
        received: describeValue(k),
      });
    }
    if (!this.hasAudioSetOutput) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `This model has no AudioSet output (${ONNX_AUDIOSET_LOGITS_NAME}), so it cannot return AudioSet tags`, {
        field: 'audioSetTopK',
        expected: `a model with an ${ONNX_AUDIOSET_LOGITS_NAME} output (an AudioSet-pretrained backbone, run with onnxruntime)`,
        received: `${this.modelLocation} with outputs ${(this.session?.outputNames ?? []).join(', ') || 'unknown'}`,
      });
    }
    return Math.min(k, NUM_AUDIOSET_CLASSES);
  }

  private toResult(
    rows: Float32Array,
    clip: PreparedClip,
    topK: number,
    aggregation: WindowAggregation,
    returnWindows: boolean | undefined,
  ): ClassificationResult {
    const classes = this.labels.length;
    const cfg = this.featureConfig;
    // agg and every p below hold one probability per label, so argmax picks a label index.
    const agg = aggregateRows(rows, clip.batch.count, classes, aggregation);
    const best = argmax(agg);
    const probabilities: Record<string, number> = {};
    this.labels.forEach((l, i) => (probabilities[l] = agg[i]!));
    const result: ClassificationResult = {
      predictedClass: this.labels[best]!,
      confidence: agg[best]!,
      probabilities,
      topK: topKOf(agg, this.labels, topK),
      durationSeconds: clip.durationSeconds,
      labelSources: { ...this.labelSources },
    };
    if (returnWindows ?? clip.segments.length > 1) {
      const secondsPerFrame = cfg.hopLength / cfg.sampleRate;
      result.windows = clip.segments.map((seg): WindowResult => {
        const segProbs = new Float32Array(seg.windows.length * classes);
        seg.windows.forEach((w, i) => segProbs.set(rows.subarray(w * classes, (w + 1) * classes), i * classes));
        const p = aggregateRows(segProbs, seg.windows.length, classes, aggregation);
        const k = argmax(p);
        return {
          startSeconds: seg.start * secondsPerFrame,
          endSeconds: Math.min(clip.durationSeconds, (seg.end - 1) * secondsPerFrame),
          label: this.labels[k]!,
          confidence: p[k]!,
        };
      });
    }
    result.metadata = this.resultMetadata(clip.batch.count, aggregation);
    return result;
  }

  private resultMetadata(windowCount: number, aggregation: WindowAggregation): ClassificationMetadata {
    const m = this.metadata;
    return {
      untrained: m.untrained,
      modelVersion: m.createdAt ? `${m.producerVersion} (${m.createdAt})` : m.producerVersion,
      architecture: m.modelConfig.architecture,
      backend: this.backendName,
      windowCount,
      aggregation,
    };
  }
}

/**
 * The platform's default runtime (`#default-runtime`: Node or web by export conditions) when the caller passes
 * none. Needed to read a model file (a failure to load it is the error); otherwise only a source of backends,
 * skipped when a backend is given, and optional (the global registry remains) when it cannot load.
 */
async function platformDefault(readsFile: boolean, backend: InferenceBackend | undefined): Promise<PlatformRuntime | undefined> {
  if (readsFile) return loadDefaultRuntime();
  if (backend !== undefined) return undefined;
  return loadDefaultRuntime().catch(() => undefined);
}

/**
 * The backend, always through a registry: the runtime's own backends (best first) in a registry of their own, then
 * the process-wide one (`registerBackend`). When both fail, the runtime's error says why each of its backends did.
 */
async function pickBackend(config: InferenceConfig, runtime: PlatformRuntime | undefined): Promise<InferenceBackend> {
  const own = (runtime?.backends ?? []).filter((b) => b.formats.includes('onnx'));
  if (own.length === 0) return resolveBackend(config.backend, 'onnx');
  const registry = createBackendRegistry();
  own.forEach((backend, i) => registry.register(backend, own.length - i));
  try {
    return await registry.resolve(config.backend, 'onnx');
  } catch (ownError) {
    return resolveBackend(config.backend, 'onnx').catch((globalError: unknown) => {
      // A backend name the runtime does not have: the process-wide registry's answer is the one that matters.
      throw config.backend !== 'auto' && !own.some((b) => b.name === config.backend) ? globalError : ownError;
    });
  }
}

function isWrapped(item: BatchItem): item is { audio: AudioInput; sampleRate?: number } {
  return typeof item === 'object' && item !== null && !ArrayBuffer.isView(item) && !(item instanceof ArrayBuffer) && !Array.isArray(item) && 'audio' in item;
}

function checkTopK(k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new NoiseClassifierError('E_CONFIG', 'topK must be a positive integer', {
      field: 'topK',
      expected: 'an integer ≥ 1',
      received: describeValue(k),
    });
  }
  return k;
}

function checkPositive(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new NoiseClassifierError('E_CONFIG', `${field} must be a positive number of seconds`, {
      field,
      expected: 'a finite number > 0',
      received: describeValue(v),
    });
  }
}

/** Each column's largest value over the rows (no renormalisation: for independent scores); `values` holds rows × columns. */
function maxRows(values: Float32Array, rows: number, columns: number): Float64Array {
  const out = new Float64Array(columns).fill(rows === 0 ? 0 : -Infinity);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c] = Math.max(out[c]!, values[r * columns + c]!);
  return out;
}

function sliceFrames(data: Float32Array, bins: number, frames: number, start: number, len: number): Float32Array {
  const out = new Float32Array(bins * len);
  for (let b = 0; b < bins; b++) out.set(data.subarray(b * frames + start, b * frames + start + len), b * len);
  return out;
}

