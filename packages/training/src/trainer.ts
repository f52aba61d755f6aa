import { NoiseClassifierError, createTrainingConfig, type TrainingConfig } from '@noise-classifier/config';
import type * as tfType from '@tensorflow/tfjs';
import type { TrainingHistory } from '@noise-classifier/pipelines';
import { AdamW, type AdamWParam } from './adamw';
import type { Batch, GradientEngine, GradientEngineFactory } from './gradient-engine';
import { CHECKPOINT_FILE, decodeCheckpoint, encodeCheckpoint, type CheckpointStore, type NamedArray, type TrainingCheckpoint } from './checkpoint';
import { resolveClassWeights } from './class-weights';
import type { Random } from '@noise-classifier/features';
import { shuffled } from '@noise-classifier/pipelines';
import { derivePrng, deriveSeed } from './random';
import { selectTrainingBackend } from './training-backend';
import type { WindowSource } from './window-source';

type Tf = typeof tfType;

export interface TrainingProgress {
  readonly phase: 'train' | 'validate';
  /** 1-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based micro-batch within the epoch. */
  readonly step: number;
  readonly steps: number;
  /** Running mean over the epoch so far. */
  readonly loss: number;
  readonly accuracy: number;
  /** Seconds left for the whole run at the current pace. */
  readonly etaSeconds: number;
}

export interface EpochSummary {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAcc: number;
  readonly valLoss: number;
  readonly valAcc: number;
  readonly seconds: number;
  readonly improved: boolean;
}

export interface TrainerOptions {
  /** The tfjs module the model was built with. */
  readonly tf: Tf;
  /** Checkpoints after every epoch go here (atomically); resume reads the last one. */
  readonly checkpointStore?: CheckpointStore;
  /** Continue from the store's last checkpoint when there is one (default true). */
  readonly resume?: boolean;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  /** Standard deviation (dB) of Gaussian noise added to augmented inputs; default 1. */
  readonly inputNoiseDb?: number;
  /** Pick the training backend (tfjs-node, wasm with our kernels, cpu) per `config.device`; default true. */
  readonly selectBackend?: boolean;
  /** Stop after this many epochs in this call (the rest of the run can be resumed later). */
  readonly maxEpochsThisCall?: number;
  /** Windows per forward pass during validation (default 64). */
  readonly evalBatchSize?: number;
  /**
   * Batch-norm moving-average momentum while training (default 0.9, PyTorch's 0.1 in Keras terms). tfjs's 0.99
   * needs hundreds of steps before the inference statistics are usable, longer than a short CPU run.
   */
  readonly batchNormMomentum?: number;
  /**
   * 'constant' (default) or 'cosine': the learning rate follows half a cosine from `learningRate` down to 2% of it
   * over all `numEpochs` (by optimiser step, so a resumed run continues on the same curve).
   */
  readonly learningRateSchedule?: 'constant' | 'cosine';
  /**
   * Builds the engine that computes each micro-batch's loss and gradients (e.g. `createOnnxGradientEngine` on
   * onnxruntime-node, multi-threaded). Called once per `fit` with the model being trained, disposed at the end.
   * Without one, tfjs computes them (`batchGradients`).
   */
  readonly createGradientEngine?: GradientEngineFactory;
  /**
   * With validation data, end the run with the weights of the epoch with the lowest validation loss (default true).
   * false keeps the last epoch's weights, so the validation data does not choose the model (an honest held-out figure).
   */
  readonly restoreBestWeights?: boolean;
  /** Label smoothing ε when the data augments: targets (1 − ε)·one-hot + ε/classes (before mixup). Default 0. */
  readonly labelSmoothing?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

export interface TrainingResult {
  readonly history: TrainingHistory;
  /** 1-based epoch whose weights the model holds at the end (best validation loss). */
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  readonly resumedFromEpoch: number;
  readonly backend: string;
  /** What computed the gradients: `tfjs-<backend>` or the gradient engine's name (e.g. `onnxruntime (2 threads)`). */
  readonly engine: string;
  readonly seconds: number;
}

export type { Batch };

/**
 * Trains a tfjs LayersModel on model windows: AdamW, class weights, mixup and input noise when the data augments,
 * gradient accumulation, early stopping on validation loss with the best weights restored, a checkpoint after
 * every epoch and exact resume. All randomness derives from `config.seed`, the epoch and the item index.
 */
export class Trainer {
  readonly config: TrainingConfig;
  private readonly tf: Tf;
  private readonly optimizer: AdamW;
  private engine: GradientEngine | undefined;

  constructor(readonly model: tfType.LayersModel, config: TrainingConfig | Record<string, unknown>, private readonly options: TrainerOptions) {
    this.config = createTrainingConfig(config);
    this.tf = options.tf;
    this.optimizer = new AdamW(this.tf, { learningRate: this.config.learningRate, weightDecay: this.config.weightDecay }, isDecayed);
  }

  async fit(train: WindowSource, val: WindowSource | null): Promise<TrainingResult> {
    const { tf, config, model } = this;
    const now = this.options.now ?? (() => Date.now());
    const started = now();
    const backend = this.options.selectBackend === false ? tf.getBackend() : await selectTrainingBackend(tf, config.device);
    this.engine = this.options.createGradientEngine ? await this.options.createGradientEngine(model) : undefined;
    try {
      return await this.fitWith(train, val, backend, started, now);
    } finally {
      await this.engine?.dispose();
      this.engine = undefined;
    }
  }

  private async fitWith(train: WindowSource, val: WindowSource | null, backend: string, started: number, now: () => number): Promise<TrainingResult> {
    const { tf, config, model } = this;
    const numClasses = outputSize(model);
    checkSource(train, 'trainDataset', numClasses, model);
    if (val) checkSource(val, 'valDataset', numClasses, model);
    const classWeights = resolveClassWeights(config.classWeighting, train.targets, numClasses);
    const momentum = this.options.batchNormMomentum ?? 0.9;
    for (const layer of model.layers) {
      if (layer.getClassName() === 'BatchNormalization') (layer as unknown as { momentum: number }).momentum = momentum;
    }

    const history: TrainingHistory = { trainLoss: [], trainAcc: [], valLoss: [], valAcc: [] };
    let bestValLoss = Infinity;
    let bestEpoch = 0;
    let bestWeights: NamedArray[] = [];
    let stale = 0;
    let startEpoch = 0;
    const store = this.options.checkpointStore;
    if (store && this.options.resume !== false) {
      const bytes = await store.readFile(CHECKPOINT_FILE);
      if (bytes) {
        const ckpt = decodeCheckpoint(bytes);
        this.restore(ckpt, train.labels);
        history.trainLoss.push(...ckpt.history.trainLoss);
        history.trainAcc.push(...ckpt.history.trainAcc);
        history.valLoss.push(...ckpt.history.valLoss);
        history.valAcc.push(...ckpt.history.valAcc);
        bestValLoss = ckpt.bestValLoss;
        bestEpoch = ckpt.bestEpoch;
        bestWeights = [...ckpt.bestWeights];
        stale = ckpt.epochsWithoutImprovement;
        startEpoch = ckpt.epoch;
      }
    }
    const resumedFromEpoch = startEpoch;
    const params = trainableParams(model);
    const variables = params.map((p) => p.variable);
    const micro = config.batchSize;
    const stepsPerEpoch = Math.ceil(train.size / micro);
    const totalSteps = stepsPerEpoch * (config.numEpochs - startEpoch);
    let stepsDone = 0;
    let stepSeconds = 0;
    let stoppedEarly = false;
    let epochsRun = 0;
    const patience = config.earlyStoppingPatience;
    const limit = this.options.maxEpochsThisCall ?? Infinity;

    for (let epoch = startEpoch; epoch < config.numEpochs && epochsRun < limit; epoch++) {
      if (patience > 0 && val && stale >= patience) {
        stoppedEarly = true;
        break;
      }
      const t0 = now();
      const epochPrng = derivePrng(config.seed, 1, epoch);
      const order = permutation(train.size, epochPrng);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      const effective = micro * config.gradientAccumulationSteps;
      for (let start = 0, step = 0; start < order.length; start += effective) {
        const members = order.slice(start, start + effective);
        const totalWeight = members.reduce((s, i) => s + classWeights[train.targets[i]!]!, 0) || 1;
        let accumulated: Record<string, tfType.Tensor> | null = null;
        for (let m = 0; m < members.length; m += micro) {
          const t = now();
          const items = members.slice(m, m + micro);
          const batch = await this.makeBatch(train, items, epoch, classWeights, totalWeight, numClasses, derivePrng(config.seed, 2, epoch, start + m));
          const { loss, correct: c, grads } = await this.gradients(batch, variables, deriveSeed(config.seed, 3, epoch, start + m));
          accumulated = accumulate(tf, accumulated, grads);
          lossSum += loss * totalWeight;
          correct += c;
          seen += batch.size;
          step += 1;
          stepsDone += 1;
          stepSeconds = (now() - t) / 1000;
          const elapsed = (now() - started) / 1000;
          const eta = stepsDone > 0 ? (elapsed / stepsDone) * (totalSteps - stepsDone) : 0;
          this.options.onProgress?.({
            phase: 'train', epoch: epoch + 1, epochs: config.numEpochs, step, steps: stepsPerEpoch,
            loss: lossSum / Math.max(seen, 1), accuracy: correct / Math.max(seen, 1), etaSeconds: Math.max(0, eta),
          });
        }
        if (accumulated) {
          if (this.options.learningRateSchedule === 'cosine') {
            const total = Math.ceil(train.size / effective) * config.numEpochs;
            const progress = Math.min(1, this.optimizer.step / Math.max(1, total - 1));
            this.optimizer.learningRate = config.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * progress)));
          }
          this.optimizer.applyGradients(params, accumulated);
          for (const g of Object.values(accumulated)) g.dispose();
        }
      }
      void stepSeconds;
      // lossSum accumulates Σ w·ce / W · W = Σ w·ce; divide by Σ w over the epoch for a weighted mean.
      const epochWeight = order.reduce((s, i) => s + classWeights[train.targets[i]!]!, 0) || 1;
      const trainLoss = lossSum / epochWeight;
      const trainAcc = correct / Math.max(seen, 1);
      let valLoss = NaN;
      let valAcc = NaN;
      if (val) {
        this.options.onProgress?.({
          phase: 'validate', epoch: epoch + 1, epochs: config.numEpochs, step: stepsPerEpoch, steps: stepsPerEpoch,
          loss: trainLoss, accuracy: trainAcc, etaSeconds: 0,
        });
        const probs = await predictSource(tf, model, val, this.options.evalBatchSize);
        ({ loss: valLoss, accuracy: valAcc } = clipLossAndAccuracy(probs, val.targets, numClasses));
      }
      history.trainLoss.push(trainLoss);
      history.trainAcc.push(trainAcc);
      history.valLoss.push(valLoss);
      history.valAcc.push(valAcc);
      const improved = !val || valLoss < bestValLoss;
      if (improved) {
        bestValLoss = val ? valLoss : bestValLoss;
        bestEpoch = epoch + 1;
        bestWeights = readWeights(model);
        stale = 0;
      } else {
        stale += 1;
      }
      epochsRun += 1;
      if (store) {
        await store.writeFileAtomic(CHECKPOINT_FILE, encodeCheckpoint({
          format: 'noise-classifier-checkpoint', version: 1, epoch: epoch + 1, history,
          rng: { seed: config.seed, nextEpoch: epoch + 1 }, bestValLoss, bestEpoch, epochsWithoutImprovement: stale,
          labels: train.labels, architecture: model.name, weights: readWeights(model), bestWeights,
          optimizer: this.optimizer.getState(),
        }));
      }
      await this.options.onEpochEnd?.({
        epoch: epoch + 1, trainLoss, trainAcc, valLoss, valAcc, seconds: (now() - t0) / 1000, improved,
      });
    }
    if (!stoppedEarly && patience > 0 && val && stale >= patience && history.trainLoss.length < config.numEpochs) stoppedEarly = true;
    const finished = stoppedEarly || history.trainLoss.length >= config.numEpochs;
    // The run is over: keep the best epoch's weights (a paused run keeps the latest, to continue from).
    if (finished && val && bestWeights.length > 0 && this.options.restoreBestWeights !== false) writeWeights(tf, model, bestWeights);
    return {
      history, bestEpoch, epochsRun, stoppedEarly, resumedFromEpoch, backend, engine: this.engine?.name ?? `tfjs-${backend}`,
      seconds: (now() - started) / 1000,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  private restore(ckpt: TrainingCheckpoint, labels: readonly string[]): void {
    if (ckpt.labels.length !== labels.length || ckpt.labels.some((l, i) => l !== labels[i])) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', 'The checkpoint was trained on other labels', {
        field: 'checkpoint.labels',
        expected: labels.join(', '),
        received: ckpt.labels.join(', '),
      });
    }
    writeWeights(this.tf, this.model, ckpt.weights);
    this.optimizer.setState(ckpt.optimizer, trainableParams(this.model));
  }

  private async makeBatch(source: WindowSource, items: number[], epoch: number, classWeights: Float32Array,
    totalWeight: number, numClasses: number, batchPrng: ReturnType<typeof derivePrng>): Promise<Batch> {
    const { config } = this;
    const [c, h, w] = source.inputShape;
    const plane = c * h * w;
    const size = items.length;
    const x = new Float32Array(size * plane);
    const y = new Float32Array(size * numClasses);
    const wt = new Float32Array(size);
    const hard = new Int32Array(size);
    const augmenting = source.augment !== null;
    const noiseDb = augmenting ? (this.options.inputNoiseDb ?? 1) : 0;
    const smoothing = augmenting ? (this.options.labelSmoothing ?? 0) : 0;
    for (let b = 0; b < size; b++) {
      const i = items[b]!;
      // One stream per (epoch, item): the same draw whatever the batch size or accumulation.
      const prng = derivePrng(config.seed, 4, epoch, i);
      const { data, count } = await source.windows(i, augmenting ? prng : null);
      const pick = count > 1 ? prng.int(0, count - 1) : 0;
      const window = data.subarray(pick * plane, (pick + 1) * plane);
      const target = source.targets[i]!;
      writeNhwc(window, x, b * plane, c, h, w);
      if (noiseDb > 0) for (let k = b * plane; k < (b + 1) * plane; k++) x[k]! += noiseDb * prng.normal();
      if (smoothing > 0) for (let k = 0; k < numClasses; k++) y[b * numClasses + k] = smoothing / numClasses;
      y[b * numClasses + target] = 1 - smoothing + smoothing / numClasses;
      wt[b] = classWeights[target]! / totalWeight;
      hard[b] = target;
    }
    if (augmenting && config.mixupAlpha > 0 && size > 1) {
      // Mixup inside the micro-batch: x' = λ·x + (1−λ)·x[perm], targets and loss weights mixed alike.
      const lambda = batchPrng.beta(config.mixupAlpha, config.mixupAlpha);
      const perm = permutation(size, batchPrng);
      const x0 = x.slice();
      const y0 = y.slice();
      const w0 = wt.slice();
      for (let b = 0; b < size; b++) {
        const p = perm[b]!;
        for (let k = 0; k < plane; k++) x[b * plane + k] = lambda * x0[b * plane + k]! + (1 - lambda) * x0[p * plane + k]!;
        for (let k = 0; k < numClasses; k++) y[b * numClasses + k] = lambda * y0[b * numClasses + k]! + (1 - lambda) * y0[p * numClasses + k]!;
        wt[b] = lambda * w0[b]! + (1 - lambda) * w0[p]!;
        if (lambda < 0.5) hard[b] = source.targets[items[p]!]!;
      }
    }
    return { x, y, w: wt, hard, size };
  }

  /** Gradients of one micro-batch: the gradient engine's, else tfjs's. */
  private async gradients(batch: Batch, variables: tfType.Variable[], dropoutSeed: number):
    Promise<{ loss: number; correct: number; grads: Record<string, tfType.Tensor> }> {
    if (this.engine) return this.engine.compute(batch, dropoutSeed);
    return batchGradients(this.tf, this.model, variables, batch, dropoutSeed);
  }
}

/**
 * Loss (class-weighted cross-entropy, weights pre-normalised), its gradients for `variables` and the number of
 * correct arg-max predictions for one batch, in training mode (the tfjs engine).
 */
export function batchGradients(tf: Tf, model: tfType.LayersModel, variables: tfType.Variable[], batch: Batch, dropoutSeed: number):
  { loss: number; correct: number; grads: Record<string, tfType.Tensor> } {
  const [h, w, c] = model.inputs[0]!.shape.slice(1) as number[];
  seedDropout(model, dropoutSeed);
  let predicted: tfType.Tensor | undefined;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [batch.size, h!, w!, c!]);
    const y = tf.tensor2d(batch.y, [batch.size, batch.y.length / batch.size]);
    const sw = tf.tensor1d(batch.w);
    return tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tfType.Tensor2D;
      predicted = tf.keep(tf.argMax(logits, 1));
      const ce = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1));
      return tf.sum(tf.mul(ce, sw)) as tfType.Scalar;
    }, variables);
  });
  const loss = value.dataSync()[0]!;
  value.dispose();
  const pred = predicted!.dataSync();
  predicted!.dispose();
  let correct = 0;
  for (let b = 0; b < batch.size; b++) if (pred[b] === batch.hard[b]) correct += 1;
  return { loss, correct, grads };
}

/** Class probabilities per item: windows batched through the model, softmax, mean over the item's windows. */
export async function predictSource(tf: Tf, model: tfType.LayersModel, source: WindowSource, evalBatchSize = 64): Promise<Float32Array[]> {
  const [c, h, w] = source.inputShape;
  const plane = c * h * w;
  const out: Float32Array[] = [];
  const numClasses = outputSize(model);
  let pending: { item: number; data: Float32Array }[] = [];
  const sums = new Map<number, { sum: Float32Array; n: number }>();
  const flush = () => {
    if (pending.length === 0) return;
    const x = new Float32Array(pending.length * plane);
    pending.forEach((p, k) => writeNhwc(p.data, x, k * plane, c, h, w));
    const probs = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(x, [pending.length, h, w, c])) as tfType.Tensor2D).dataSync());
    pending.forEach((p, k) => {
      const acc = sums.get(p.item)!;
      for (let j = 0; j < numClasses; j++) acc.sum[j]! += probs[k * numClasses + j]!;
      acc.n += 1;
    });
    pending = [];
  };
  for (let i = 0; i < source.size; i++) {
    const { data, count } = await source.windows(i, null);
    sums.set(i, { sum: new Float32Array(numClasses), n: 0 });
    for (let k = 0; k < count; k++) {
      pending.push({ item: i, data: data.subarray(k * plane, (k + 1) * plane) });
      if (pending.length >= evalBatchSize) flush();
    }
  }
  flush();
  for (let i = 0; i < source.size; i++) {
    const { sum, n } = sums.get(i)!;
    out.push(sum.map((v) => v / Math.max(n, 1)));
  }
  return out;
}

export function clipLossAndAccuracy(probs: readonly Float32Array[], targets: readonly number[], numClasses: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  probs.forEach((p, i) => {
    const t = targets[i]!;
    loss -= Math.log(Math.max(p[t]!, 1e-7));
    let best = 0;
    for (let j = 1; j < numClasses; j++) if (p[j]! > p[best]!) best = j;
    if (best === t) correct += 1;
  });
  return { loss: loss / Math.max(probs.length, 1), accuracy: correct / Math.max(probs.length, 1) };
}

/** Kernels decay; biases, batch-norm scales/offsets and statistics do not (the usual AdamW practice). */
function isDecayed(name: string, rank: number): boolean {
  return rank > 1 && !/gamma|beta|moving/.test(name);
}

function outputSize(model: tfType.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  return shape[shape.length - 1]!;
}

function checkSource(source: WindowSource, field: string, numClasses: number, model: tfType.LayersModel): void {
  if (source.size === 0) {
    throw new NoiseClassifierError('E_DATASET', `${field} is empty`, { field, expected: 'at least one item', received: '0 items' });
  }
  if (source.labels.length !== numClasses) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${field} has ${source.labels.length} classes but the model outputs ${numClasses}`, {
      field, expected: `${numClasses} classes`, received: `${source.labels.length} (${source.labels.slice(0, 8).join(', ')}…)`,
    });
  }
  const [, h, w, c] = model.inputs[0]!.shape;
  const [sc, sh, sw] = source.inputShape;
  if (h !== sh || w !== sw || c !== sc) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${field} windows do not fit the model input`, {
      field, expected: `${c}×${h}×${w} (channels × height × width)`, received: `${sc}×${sh}×${sw}`,
    });
  }
}

/** NCHW window → NHWC slot (identical for one channel). */
function writeNhwc(src: Float32Array, dst: Float32Array, offset: number, c: number, h: number, w: number): void {
  if (c === 1) {
    dst.set(src, offset);
    return;
  }
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < h * w; p++) dst[offset + p * c + ch] = src[ch * h * w + p]!;
  }
}

function permutation(n: number, random: Random): number[] {
  return shuffled(Array.from({ length: n }, (_, i) => i), random);
}

function accumulate(tf: Tf, acc: Record<string, tfType.Tensor> | null, grads: Record<string, tfType.Tensor>): Record<string, tfType.Tensor> {
  if (acc === null) return grads;
  for (const [name, g] of Object.entries(grads)) {
    const prev = acc[name];
    acc[name] = prev ? tf.add(prev, g) : g;
    if (prev) {
      prev.dispose();
      g.dispose();
    }
  }
  return acc;
}

/** Dropout draws a fresh mask per step from our stream (tfjs would otherwise seed from Math.random). */
function seedDropout(model: tfType.LayersModel, seed: number): void {
  let k = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = deriveSeed(seed, k++);
  }
}

function trainableParams(model: tfType.LayersModel): AdamWParam[] {
  return model.trainableWeights.map((w) => ({ key: w.originalName, variable: w.read() as tfType.Variable }));
}

/** Copies of every model weight (trainable and batch-norm statistics). */
export function readWeights(model: tfType.LayersModel): NamedArray[] {
  return model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: (w.read().dataSync() as Float32Array).slice() }));
}

export function writeWeights(tf: Tf, model: tfType.LayersModel, weights: readonly NamedArray[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const values = model.weights.map((w) => {
    const saved = byName.get(w.originalName);
    const shape = w.shape as number[];
    if (!saved || saved.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `Checkpoint has no weight matching ${w.originalName}`, {
        field: 'weights', expected: `${w.originalName} with shape [${w.shape.join(', ')}]`,
        received: saved ? `shape [${saved.shape.join(', ')}]` : 'nothing',
      });
    }
    return tf.tensor(saved.data, shape);
  });
  model.setWeights(values);
  values.forEach((v) => v.dispose());
}
