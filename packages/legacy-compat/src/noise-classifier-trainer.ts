import {
  NoiseClassifierError,
  createTrainingConfig,
  describeValue,
  type TrainingConfig,
} from '@noise-classifier/config';
import type * as tfTypes from '@tensorflow/tfjs';
import { warnDeprecated, type DeprecationOptions } from './deprecation';

type Tf = typeof tfTypes;

/** Fixed-length feature vectors (e.g. MFCC mean + std) and their class, as indices or label names. */
export interface LegacyTrainingSet {
  readonly features: readonly ArrayLike<number>[];
  readonly labels: readonly (number | string)[];
}

/** The seed's history, in its snake_case keys. */
export interface LegacyTrainingHistory {
  train_loss: number[];
  train_acc: number[];
  val_loss: number[];
  val_acc: number[];
}

export interface NoiseClassifierTrainerOptions extends DeprecationOptions {
  /** Class names in output order; needed when labels are given as names. */
  readonly labels?: readonly string[];
}

/** Training options: any `TrainingConfig` field (camelCase or snake_case); used: numEpochs, batchSize, learningRate, earlyStoppingPatience. */
export type LegacyTrainingConfig = Partial<TrainingConfig> | Record<string, unknown>;

async function loadTf(): Promise<Tf> {
  try {
    return (await import('@tensorflow/tfjs')) as Tf;
  } catch (error) {
    throw new NoiseClassifierError('E_RUNTIME_MISSING', 'NoiseClassifierTrainer needs @tensorflow/tfjs; install it (npm install @tensorflow/tfjs)', {
      field: '@tensorflow/tfjs',
      expected: 'the @tensorflow/tfjs package',
      received: 'not installed',
      cause: error,
    });
  }
}

/**
 * The seed's `NoiseClassifierTrainer(model)` for custom models (its "Advanced Usage"): trains any tfjs
 * `LayersModel` that maps a fixed-length feature vector `[batch, inputDim]` to class scores `[batch, numClasses]`
 * (logits, or probabilities when the last layer is a softmax). It is a thin `model.fit` loop with Adam, the
 * config's epochs / batch size / learning rate and early stopping on validation loss; spectrogram models train
 * with the pipelines trainer instead.
 *
 * @deprecated Train with `@noise-classifier/pipelines` (`service.train(...)`) for spectrogram models, or call
 * `model.compile` + `model.fit` from tfjs directly for a custom model. Warning code NCV2_005.
 */
export class NoiseClassifierTrainer {
  /** The model being trained (the same object that was passed in). */
  readonly model: tfTypes.LayersModel;
  readonly inputDim: number;
  readonly numClasses: number;
  private readonly labelNames?: readonly string[];

  constructor(model: tfTypes.LayersModel, options: NoiseClassifierTrainerOptions = {}) {
    warnDeprecated('NoiseClassifierTrainer', options);
    const shapes = modelShapes(model);
    this.model = model;
    this.inputDim = shapes.inputDim;
    this.numClasses = shapes.numClasses;
    if (options.labels !== undefined) {
      if (!Array.isArray(options.labels) || options.labels.length !== this.numClasses) {
        throw new NoiseClassifierError('E_MODEL_MISMATCH', 'labels must name every model output', {
          field: 'labels',
          expected: `${this.numClasses} label names (the model's output size)`,
          received: describeValue(options.labels),
        });
      }
      this.labelNames = [...options.labels];
    }
  }

  /**
   * Trains on `trainSet`, validating on `valSet` after each epoch when given. Returns the seed's history
   * (`val_loss` / `val_acc` stay empty without a validation set).
   */
  async train(trainSet: LegacyTrainingSet, valSet?: LegacyTrainingSet, config: LegacyTrainingConfig = {}): Promise<LegacyTrainingHistory> {
    const cfg = createTrainingConfig(config);
    const tf = await loadTf();
    const train = this.toTensors(tf, trainSet, 'train_dataset');
    const val = valSet === undefined ? undefined : this.toTensors(tf, valSet, 'val_dataset');
    try {
      this.model.compile({
        optimizer: tf.train.adam(cfg.learningRate),
        loss: this.outputsProbabilities()
          ? 'categoricalCrossentropy'
          : (yTrue: tfTypes.Tensor, yPred: tfTypes.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
        metrics: ['accuracy'],
      });
      const callbacks =
        val !== undefined && cfg.earlyStoppingPatience > 0
          ? [tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: cfg.earlyStoppingPatience })]
          : [];
      const fitted = await this.model.fit(train.x, train.y, {
        epochs: cfg.numEpochs,
        batchSize: cfg.batchSize,
        shuffle: true,
        verbose: 0,
        callbacks,
        ...(val === undefined ? {} : { validationData: [val.x, val.y] as [tfTypes.Tensor, tfTypes.Tensor] }),
      });
      const series = (key: string): number[] => (fitted.history[key] ?? []).map((v) => Number(v));
      return {
        train_loss: series('loss'),
        train_acc: series('acc').length > 0 ? series('acc') : series('accuracy'),
        val_loss: series('val_loss'),
        val_acc: series('val_acc').length > 0 ? series('val_acc') : series('val_accuracy'),
      };
    } finally {
      tf.dispose([train.x, train.y, ...(val ? [val.x, val.y] : [])]);
    }
  }

  /** Class probabilities `[rows][numClasses]` for feature vectors (softmax applied to logit outputs). */
  async predict(features: readonly ArrayLike<number>[]): Promise<number[][]> {
    const tf = await loadTf();
    const x = this.featureTensor(tf, features, 'features');
    try {
      const probabilities = tf.tidy(() => {
        const out = this.model.predict(x) as tfTypes.Tensor;
        return this.outputsProbabilities() ? out.clone() : tf.softmax(out);
      });
      const rows = (await probabilities.array()) as number[][];
      probabilities.dispose();
      return rows;
    } finally {
      x.dispose();
    }
  }

  private outputsProbabilities(): boolean {
    const last = this.model.layers[this.model.layers.length - 1];
    return (last?.getConfig() as { activation?: unknown } | undefined)?.activation === 'softmax';
  }

  private toTensors(tf: Tf, set: LegacyTrainingSet, name: string): { x: tfTypes.Tensor2D; y: tfTypes.Tensor2D } {
    if (typeof set !== 'object' || set === null || !Array.isArray(set.features) || !Array.isArray(set.labels)) {
      throw new NoiseClassifierError('E_DATASET', `${name} must have features and labels`, {
        field: name,
        expected: '{ features: number[][], labels: (number | string)[] }',
        received: describeValue(set),
      });
    }
    if (set.labels.length !== set.features.length) {
      throw new NoiseClassifierError('E_DATASET', `${name}: one label per feature vector`, {
        field: `${name}.labels`,
        expected: `${set.features.length} labels`,
        received: `${set.labels.length}`,
      });
    }
    const indices = set.labels.map((label, i) => this.labelIndex(label, `${name}.labels[${i}]`));
    const x = this.featureTensor(tf, set.features, `${name}.features`);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(indices, 'int32'), this.numClasses).toFloat() as tfTypes.Tensor2D);
    return { x, y };
  }

  private featureTensor(tf: Tf, features: readonly ArrayLike<number>[], field: string): tfTypes.Tensor2D {
    if (!Array.isArray(features) || features.length === 0) {
      throw new NoiseClassifierError('E_DATASET', `${field} must be a non-empty list of feature vectors`, {
        field,
        expected: `at least one vector of ${this.inputDim} numbers`,
        received: describeValue(features),
      });
    }
    const flat = new Float32Array(features.length * this.inputDim);
    features.forEach((row, r) => {
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number' || row.length !== this.inputDim) {
        throw new NoiseClassifierError('E_MODEL_MISMATCH', `${field}[${r}] does not fit the model input`, {
          field: `${field}[${r}]`,
          expected: `${this.inputDim} numbers (the model's input size)`,
          received: describeValue(row),
        });
      }
      for (let c = 0; c < this.inputDim; c++) {
        const v = row[c];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new NoiseClassifierError('E_DATASET', `${field}[${r}][${c}] is not a finite number`, {
            field: `${field}[${r}][${c}]`,
            expected: 'a finite number',
            received: describeValue(v),
          });
        }
        flat[r * this.inputDim + c] = v;
      }
    });
    return tf.tensor2d(flat, [features.length, this.inputDim]);
  }

  private labelIndex(label: number | string, field: string): number {
    if (typeof label === 'number' && Number.isInteger(label) && label >= 0 && label < this.numClasses) return label;
    if (typeof label === 'string' && this.labelNames !== undefined) {
      const index = this.labelNames.indexOf(label);
      if (index >= 0) return index;
    }
    throw new NoiseClassifierError('E_LABEL', `Unknown label at ${field}`, {
      field,
      expected:
        this.labelNames === undefined
          ? `a class index in [0, ${this.numClasses - 1}] (pass { labels } to the trainer to use names)`
          : `a class index in [0, ${this.numClasses - 1}] or one of the ${this.numClasses} label names`,
      received: describeValue(label),
    });
  }
}

function modelShapes(model: unknown): { inputDim: number; numClasses: number } {
  const m = model as Partial<tfTypes.LayersModel> | null;
  const inputShape = m?.inputs?.[0]?.shape;
  const outputShape = m?.outputs?.[0]?.shape;
  const ok =
    typeof m?.fit === 'function' &&
    Array.isArray(inputShape) &&
    inputShape.length === 2 &&
    typeof inputShape[1] === 'number' &&
    Array.isArray(outputShape) &&
    outputShape.length === 2 &&
    typeof outputShape[1] === 'number';
  if (!ok) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'NoiseClassifierTrainer needs a tfjs LayersModel from feature vectors to class scores', {
      field: 'model',
      expected: 'a tf.LayersModel with input [batch, inputDim] and output [batch, numClasses]',
      received:
        Array.isArray(inputShape) && Array.isArray(outputShape)
          ? `input ${JSON.stringify(inputShape)}, output ${JSON.stringify(outputShape)}`
          : describeValue(model),
    });
  }
  return { inputDim: inputShape[1] as number, numClasses: outputShape[1] as number };
}
