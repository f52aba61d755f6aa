import { NoiseClassifierError, createModelConfig, createTrainingConfig, type AudioFeatureConfig, type ModelConfig, type TrainingConfig } from '@noise-classifier/config';
import type { Random } from '@noise-classifier/features';
import type { InferenceBackend, TfModule } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';
import type { NoiseDataset, SpectrogramAugmentOptions } from '@noise-classifier/pipelines';
import type { CheckpointStore } from '../checkpoint';
import type { GradientEngineFactory } from '../gradient-engine';
import { Trainer, clipLossAndAccuracy, predictSource, type EpochSummary, type TrainingProgress, type TrainingResult } from '../trainer';
import { datasetSource, examplesSource, repeatSource, type WindowSource } from '../window-source';
import type { PretrainedBackbone } from './pretrained-backbone';
import { AUDIOSET_OUTPUT_LAYER, embedWindows, headInputTensor, type HeadInput, type WindowEmbeddings } from './window-embeddings';
import { fitLogisticHead } from './logistic-head';
import { resolveClassWeights } from '../class-weights';

export { AUDIOSET_OUTPUT_LAYER };

export interface FineTuneStage {
  readonly epochs: number;
  /** Learning rate of the whole network in this stage (lower than the head's: the backbone is already good). */
  readonly learningRate: number;
  /** Random windows per clip per epoch (default 1). */
  readonly windowsPerClip?: number;
  /** Computes gradients with another engine (Node: `onnxRuntimeGradientEngine`); default tfjs. */
  readonly createGradientEngine?: GradientEngineFactory;
  readonly checkpointStore?: CheckpointStore;
  readonly resume?: boolean;
  /**
   * Keep every batch norm's γ, β and moving statistics as pretrained: small data cannot estimate them better than
   * AudioSet did. The onnxruntime engine then normalises with the moving statistics, as at inference; tfjs
   * normalises training batches with their own statistics (its layers do) and the stored ones are put back after.
   * Default false.
   */
  readonly freezeBatchNorm?: boolean;
}

export interface TrainPretrainedOptions {
  readonly tf: TfModule;
  readonly backbone: PretrainedBackbone;
  /** What the head reads (default: the pooled embedding). */
  readonly headInput?: HeadInput;
  /**
   * How the head on the frozen embeddings is fitted. 'logistic' (default): an L2-regularised multinomial logistic
   * regression on standardised embeddings, full batch, to convergence — no epochs, no seed; at least as good as
   * 'minibatch' on every cross-validation fold (215 vs 213 of 259 clips, docs/results.md). 'minibatch': the
   * Trainer's epochs of AdamW with dropout and mixup (the config's epochs, batch size, learning rate).
   */
  readonly headFit?: HeadFit;
  /** 'logistic' head: weight of ‖W‖² in the loss (default 1e-2). */
  readonly headL2?: number;
  /** Dropout before the head in training (default 0.3; 'minibatch' head and fine-tuning). */
  readonly headDropout?: number;
  /**
   * Extra random windows per training clip for the frozen embeddings (random crop; gain and SpecAugment when the
   * dataset augments), on top of the clip's fixed windows. Default 0.
   */
  readonly crops?: number;
  readonly cropSeed?: number;
  /** Runs the frozen backbone for the embeddings (Node: onnxruntime-node's backend, much faster); default tfjs. */
  readonly embeddingBackend?: InferenceBackend;
  /** After the head: fine-tune the whole network (head included) with the data's augmentation. Default: none. */
  readonly fineTune?: FineTuneStage | null;
  readonly onEmbedProgress?: (done: number, total: number, phase: 'train' | 'validation') => void;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  /** false: keep the last epoch's weights even with validation data (honest held-out figures). */
  readonly restoreBestWeights?: boolean;
  readonly labelSmoothing?: number;
}

export type HeadFit = 'logistic' | 'minibatch';

export interface TrainPretrainedOutcome extends TrainingResult {
  /** Backbone → new head: NHWC log-mel window in, logits out. */
  readonly model: tfType.LayersModel;
  /**
   * Layers to export as extra ONNX outputs (`exportOnnx(…, { extraOutputs })`): `audioset_logits` when the head
   * reads the AudioSet scores (then that layer is on the model's path), else none.
   */
  readonly extraOutputs: readonly string[];
  readonly labels: readonly string[];
  readonly modelConfig: ModelConfig;
  readonly featureConfig: AudioFeatureConfig;
  /** Class probabilities of every validation clip with the final model (mean over its windows), else empty. */
  readonly validationProbabilities: Float32Array[];
  /** Head-training windows (frozen embeddings) and their seconds. */
  readonly headTraining: { readonly windows: number; readonly embedSeconds: number };
  /** The fine-tuning stage's result, when it ran. */
  readonly fineTuning?: TrainingResult;
}


/**
 * Transfer learning from a pretrained backbone. (a) Frozen backbone: every training window is embedded once in
 * inference mode and only a new head (dropout → dense) trains on the vectors — seconds, also for a handful of clips
 * per class and in a browser. (b) Optionally, then the whole network fine-tunes from there at a lower learning
 * rate with the dataset's augmentation (SpecAugment, gain, mixup from the training config) — linear probe first,
 * so fine-tuning starts from a head that already fits instead of wrecking the backbone with a random one.
 * The data's feature config must be the backbone's front end (E_MODEL_MISMATCH otherwise).
 */
export async function trainPretrained(
  trainSet: NoiseDataset,
  valSet: NoiseDataset | null,
  config: Partial<TrainingConfig> | TrainingConfig,
  options: TrainPretrainedOptions,
): Promise<TrainPretrainedOutcome> {
  const { tf, backbone } = options;
  checkFrontEnd(trainSet.featureConfig, backbone, 'training data');
  // Augmentation amounts are in dB; this front end's values are normalised natural logs.
  const unitsPerDb = featureUnitsPerDb(backbone.featureConfig);
  if (trainSet.augment) trainSet = trainSet.subset(trainSet.sources.map((_, i) => i), { augment: scaleAugment(trainSet.augment, unitsPerDb) });
  if (valSet) checkFrontEnd(valSet.featureConfig, backbone, 'validation data');
  const trainingConfig = createTrainingConfig(config);
  const labels = trainSet.labels;
  const input = options.headInput ?? 'embedding';
  const t0 = Date.now();
  const prng = options.crops ? (await import('@noise-classifier/features')).createRandom(options.cropSeed ?? trainingConfig.seed) : undefined;
  const trainEmb = await embedWindows(tf, backbone, datasetSource(trainSet), {
    input, crops: options.crops ?? 0, ...(prng ? { prng: prng as Random } : {}),
    ...(options.embeddingBackend ? { backend: options.embeddingBackend } : {}),
    onProgress: (d, n) => options.onEmbedProgress?.(d, n, 'train'),
  });
  const valEmb = valSet
    ? await embedWindows(tf, backbone, datasetSource(valSet.subset(valSet.sources.map((_, i) => i), { augment: false })), {
      input, onProgress: (d, n) => options.onEmbedProgress?.(d, n, 'validation'),
      ...(options.embeddingBackend ? { backend: options.embeddingBackend } : {}),
    })
    : null;
  const embedSeconds = (Date.now() - t0) / 1000;

  const dim = trainEmb.vectors[0]!.length;
  const head = tf.layers.dense({ units: labels.length, name: 'head_logits' });
  const dropout = options.headDropout ?? 0.3;
  const headIn = tf.input({ shape: [1, 1, dim], name: 'head_input' });
  let h = tf.layers.flatten({ name: 'head_flatten' }).apply(headIn) as tfType.SymbolicTensor;
  if (dropout > 0) h = tf.layers.dropout({ rate: dropout, name: 'head_dropout' }).apply(h) as tfType.SymbolicTensor;
  const headModel = tf.model({ inputs: headIn, outputs: head.apply(h) as tfType.SymbolicTensor, name: 'pretrained_head' });
  const trainerOptions = {
    tf,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onEpochEnd ? { onEpochEnd: options.onEpochEnd } : {}),
    ...(options.restoreBestWeights === undefined ? {} : { restoreBestWeights: options.restoreBestWeights }),
    ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
  };
  const trainVectors = vectorSource(trainEmb, labels);
  const valClips = valEmb ? clipMeanSource(valEmb, labels, valSet!.length) : null;
  let result: TrainingResult;
  let headValidation: Float32Array[] | null = null;
  if ((options.headFit ?? 'logistic') === 'logistic') {
    ({ result, validationProbabilities: headValidation } = await fitHeadByLogisticRegression(tf, head, headModel, { embeddings: trainEmb, source: trainVectors }, valClips, trainingConfig, {
      standardisedFeatures: backbone.spec.embeddingSize, ...(options.headL2 === undefined ? {} : { l2: options.headL2 }),
    }));
    const { trainLoss, trainAcc, valLoss, valAcc } = result.history;
    await options.onEpochEnd?.({
      epoch: 1, trainLoss: trainLoss[0]!, trainAcc: trainAcc[0]!, valLoss: valLoss[0]!, valAcc: valAcc[0]!, seconds: result.seconds, improved: true,
    });
  } else {
    // Embeddings are not spectrograms: no SpecAugment on them; mixup of vectors stays (the config's mixupAlpha).
    const headTrainer = new Trainer(headModel, { ...trainingConfig, checkpointDir: `${trainingConfig.checkpointDir}-head` }, trainerOptions);
    try {
      result = await headTrainer.fit(trainVectors, valClips);
    } finally {
      headTrainer.dispose();
    }
  }

  // The derived model: backbone (inference) → head input → the trained dense layer.
  const features = headInputTensor(tf, backbone, input);
  const logits = head.apply(features) as tfType.SymbolicTensor;
  const model = tf.model({ inputs: backbone.model.inputs, outputs: logits, name: `${backbone.spec.name}_transfer` });

  let fineTuning: TrainingResult | undefined;
  if (options.fineTune) {
    fineTuning = await fineTuneAll(tf, backbone, features, head, trainSet, valSet, trainingConfig, options.fineTune, trainerOptions, dropout);
  }
  // Without fine-tuning the model is the head on the same embeddings: score the validation clips from them.
  const validationProbabilities = !valSet ? []
    : fineTuning ? await predictSource(tf, model, datasetSource(valSet.subset(valSet.sources.map((_, i) => i), { augment: false })))
      : headValidation ?? await predictSource(tf, headModel, valClips!);
  const modelConfig = createModelConfig({
    architecture: backbone.spec.architecture,
    labels: [...labels],
    numClasses: labels.length,
    dropout,
  });
  const final = fineTuning ?? result;
  return {
    ...final,
    model,
    extraOutputs: input === 'embedding+audioset' ? [AUDIOSET_OUTPUT_LAYER] : [],
    labels,
    modelConfig,
    featureConfig: backbone.featureConfig,
    validationProbabilities,
    headTraining: { windows: trainEmb.size, embedSeconds },
    ...(fineTuning ? { fineTuning } : {}),
  };
}

async function fineTuneAll(
  tf: TfModule,
  backbone: PretrainedBackbone,
  features: tfType.SymbolicTensor,
  head: tfType.layers.Layer,
  trainSet: NoiseDataset,
  valSet: NoiseDataset | null,
  config: TrainingConfig,
  stage: FineTuneStage,
  trainerOptions: { tf: TfModule },
  dropout: number,
): Promise<TrainingResult> {
  const batchNorms = stage.freezeBatchNorm ? backbone.model.layers.filter((l) => l.getClassName() === 'BatchNormalization') : [];
  const pretrainedStats = batchNorms.map((l) => l.getWeights().map((w) => w.clone()));
  for (const layer of backbone.model.layers) layer.trainable = !batchNorms.includes(layer);
  let x = features;
  if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: 'fine_tune_dropout' }).apply(x) as tfType.SymbolicTensor;
  const trainModel = tf.model({ inputs: backbone.model.inputs, outputs: head.apply(x) as tfType.SymbolicTensor, name: `${backbone.spec.name}_fine_tune` });
  const ftConfig = createTrainingConfig({ ...config, numEpochs: stage.epochs, learningRate: stage.learningRate, checkpointDir: `${config.checkpointDir}-fine-tune` });
  const trainer = new Trainer(trainModel, ftConfig, {
    ...trainerOptions,
    ...(stage.checkpointStore ? { checkpointStore: stage.checkpointStore } : {}),
    ...(stage.resume === undefined ? {} : { resume: stage.resume }),
    ...(stage.createGradientEngine ? { createGradientEngine: stage.createGradientEngine } : {}),
    inputNoiseDb: INPUT_NOISE_DB * featureUnitsPerDb(backbone.featureConfig),
  });
  try {
    const source = repeatSource(datasetSource(trainSet), stage.windowsPerClip ?? 1);
    return await trainer.fit(source, valSet ? datasetSource(valSet.subset(valSet.sources.map((_, i) => i), { augment: false })) : null);
  } finally {
    trainer.dispose();
    batchNorms.forEach((l, k) => {
      l.setWeights(pretrainedStats[k]!);
      tf.dispose(pretrainedStats[k]!);
    });
    for (const layer of backbone.model.layers) layer.trainable = false;
  }
}

/**
 * The 'logistic' head: fitted in one go on every training window's vector (see `fitLogisticHead`), written into
 * the head's dense layer, and scored like a one-epoch run through `headModel` (validation clips: the mean of their
 * windows' probabilities, as the minibatch path scores them). Returns the validation probabilities for reuse.
 */
async function fitHeadByLogisticRegression(
  tf: TfModule,
  head: tfType.layers.Layer,
  headModel: tfType.LayersModel,
  train: { readonly embeddings: WindowEmbeddings; readonly source: WindowSource },
  validation: WindowSource | null,
  config: TrainingConfig,
  options: { readonly standardisedFeatures: number; readonly l2?: number },
): Promise<{ readonly result: TrainingResult; readonly validationProbabilities: Float32Array[] | null }> {
  const t0 = Date.now();
  const { embeddings } = train;
  const classes = embeddings.labels.length;
  const fit = fitLogisticHead(tf, embeddings.vectors, embeddings.targets, classes, {
    ...options,
    classWeights: resolveClassWeights(config.classWeighting, embeddings.targets, classes),
  });
  tf.tidy(() => head.setWeights([tf.tensor2d(fit.kernel, [fit.dim, classes]), tf.tensor1d(fit.bias)]));
  const trainAcc = clipLossAndAccuracy(await predictSource(tf, headModel, train.source), train.source.targets, classes).accuracy;
  const validationProbabilities = validation ? await predictSource(tf, headModel, validation) : null;
  const val = validationProbabilities ? clipLossAndAccuracy(validationProbabilities, validation!.targets, classes) : { loss: NaN, accuracy: NaN };
  const result: TrainingResult = {
    history: { trainLoss: [fit.loss], trainAcc: [trainAcc], valLoss: [val.loss], valAcc: [val.accuracy] },
    bestEpoch: 1, epochsRun: 1, stoppedEarly: false, resumedFromEpoch: 0,
    backend: tf.getBackend(), engine: 'logistic regression (full batch)', seconds: (Date.now() - t0) / 1000,
  };
  return { result, validationProbabilities };
}

/** One example per embedded window. */
function vectorSource(emb: WindowEmbeddings, labels: readonly string[]): WindowSource {
  return examplesSource({ inputs: emb.vectors, labels: emb.targets, classNames: labels, inputShape: [emb.vectors[0]!.length, 1, 1] });
}

/** One item per clip holding all its windows' vectors, so validation scores clips like the service does. */
function clipMeanSource(emb: WindowEmbeddings, labels: readonly string[], clips: number): WindowSource {
  const byClip: Float32Array[][] = Array.from({ length: clips }, () => []);
  const targets = new Array<number>(clips).fill(0);
  emb.items.forEach((item, w) => {
    byClip[item]!.push(emb.vectors[w]!);
    targets[item] = emb.targets[w]!;
  });
  const dim = emb.vectors[0]!.length;
  return {
    size: clips,
    labels,
    targets,
    augment: null,
    inputShape: [dim, 1, 1],
    windows: async (i) => {
      const rows = byClip[i]!;
      const data = new Float32Array(rows.length * dim);
      rows.forEach((r, k) => data.set(r, k * dim));
      return { data, count: rows.length };
    },
  };
}

/** The Trainer's default input noise (1 dB), converted like the other augmentation amounts. */
const INPUT_NOISE_DB = 1;

/**
 * How far 1 dB of level moves a feature value: 1 for a dB spectrogram, ln(10)/10 for a natural log, divided by the
 * normalisation's std. The spectrogram augmentation (gain, EQ) and input noise are specified in dB.
 */
export function featureUnitsPerDb(config: AudioFeatureConfig): number {
  return (config.logScale === 'log' ? Math.LN10 / 10 : 1) / config.normalizeStd;
}

function scaleAugment(augment: SpectrogramAugmentOptions, unitsPerDb: number): SpectrogramAugmentOptions {
  return { ...augment, gainDb: (augment.gainDb ?? 6) * unitsPerDb, ...(augment.eqDb ? { eqDb: augment.eqDb * unitsPerDb } : {}) };
}

function checkFrontEnd(featureConfig: AudioFeatureConfig, backbone: PretrainedBackbone, what: string): void {
  const expected = backbone.featureConfig;
  const differing = (Object.keys(expected) as (keyof AudioFeatureConfig)[])
    .filter((k) => k !== 'enableAugmentation' && JSON.stringify(expected[k]) !== JSON.stringify(featureConfig[k]));
  if (differing.length > 0) {
    const k = differing[0]!;
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `The ${what} is computed with another front end than ${backbone.weightsLocation} expects (${differing.join(', ')} differ)`, {
      field: `featureConfig.${String(k)}`, expected: JSON.stringify(expected[k]), received: JSON.stringify(featureConfig[k]),
    });
  }
}
