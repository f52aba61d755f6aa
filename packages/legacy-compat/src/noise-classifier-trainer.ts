import {
  NoiseClassifierError,
  createAudioFeatureConfig,
  createTrainingConfig,
  describeValue,
  type TrainingConfig,
  type TrainingDevice,
} from '@noise-classifier/config';
import { toWireHistory, type TrainingHistory } from '@noise-classifier/pipelines';
import { reapplyLayers, train, type TrainingExamples } from '@noise-classifier/training';
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

/**
 * Training options: any `TrainingConfig` field (camelCase or snake_case), as for `train()` of
 * @noise-classifier/training (numEpochs, batchSize, learningRate, weightDecay, earlyStoppingPatience, seed,
 * classWeighting…) except `device`: the trainer keeps the active tfjs backend.
 */
export type LegacyTrainingConfig = Partial<TrainingConfig> | Record<string, unknown>;

/** Architecture name of a caller's model in the training run's metadata. */
export const CUSTOM_ARCHITECTURE = 'custom_feature_vector';

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
 * (logits, or probabilities when the last layer is a softmax). It runs `train(recipe)` of
 * @noise-classifier/training, like the CLI, the server's jobs and the service: each vector is a 1×D model window,
 * the model is trained in place (see `windowInputModel`), with the recipe's AdamW, seeded shuffling and dropout,
 * early stopping on validation loss and the best validation epoch's weights kept.
 *
 * @deprecated Train with `train()` of @noise-classifier/training (spectrogram models, or a custom model as
 * `recipe.initialModel`), or call `model.compile` + `model.fit` from tfjs directly. Warning code NCV2_005.
 */
export class NoiseClassifierTrainer {
  /** The model being trained (the same object that was passed in). */
  readonly model: tfTypes.LayersModel;
  readonly inputDim: number;
  readonly numClasses: number;
  private readonly labelNames?: readonly string[];
  /** Built on the first `train` call and reused, so the model's layers are re-applied once. */
  private windowModel?: WindowInputModel;

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
    const trainExamples = this.toExamples(trainSet, 'train_dataset');
    const valExamples = valSet === undefined ? null : this.toExamples(valSet, 'val_dataset');
    const tf = await loadTf();
    this.windowModel ??= windowInputModel(tf, this.model, this.inputDim);
    const network = this.windowModel;
    network.copyIn();
    try {
      // The run's weights live in the caller's model (shared layers); its ONNX export and report are not needed here.
      const run = await train(
        {
          train: trainExamples,
          validation: valExamples,
          config: { ...cfg, device: deviceOfActiveBackend(tf) },
          initialModel: network.model,
          model: { architecture: CUSTOM_ARCHITECTURE },
          // Describes the window shape in the run's metadata; the vectors come from the caller's own front end.
          featureConfig: createAudioFeatureConfig({ spectrogramHeight: 1, spectrogramWidth: this.inputDim }),
        },
        { platform: { tf } },
      );
      return legacyHistory(run.history, valExamples !== null);
    } finally {
      // Also after a failed run: the output layer then holds the same epoch's weights as the layers below it.
      network.copyOut();
    }
  }

  /** Class probabilities `[rows][numClasses]` for feature vectors (softmax applied to logit outputs). */
  async predict(features: readonly ArrayLike<number>[]): Promise<number[][]> {
    const rows = this.featureRows(features, 'features');
    const tf = await loadTf();
    const x = tf.tensor2d(concatRows(rows, this.inputDim), [rows.length, this.inputDim]);
    try {
      const probabilities = tf.tidy(() => {
        const out = this.model.predict(x) as tfTypes.Tensor;
        return this.outputsProbabilities() ? out.clone() : tf.softmax(out);
      });
      const result = (await probabilities.array()) as number[][];
      probabilities.dispose();
      return result;
    } finally {
      x.dispose();
    }
  }

  private outputsProbabilities(): boolean {
    const last = this.model.outputs[0]?.sourceLayer;
    return last !== undefined && isSoftmax(last);
  }

  /** A set as `train`'s in-memory examples: each vector one 1×1×D window (NCHW), labels as class indices. */
  private toExamples(set: LegacyTrainingSet, name: string): TrainingExamples {
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
    const labels = set.labels.map((label, i) => this.labelIndex(label, `${name}.labels[${i}]`));
    return {
      inputs: this.featureRows(set.features, `${name}.features`),
      labels,
      classNames: this.labelNames ?? Array.from({ length: this.numClasses }, (_, i) => `class_${i}`),
      inputShape: [1, 1, this.inputDim],
    };
  }

  /** Checked copies of the feature vectors (each `inputDim` finite numbers). */
  private featureRows(features: readonly ArrayLike<number>[], field: string): Float32Array[] {
    if (!Array.isArray(features) || features.length === 0) {
      throw new NoiseClassifierError('E_DATASET', `${field} must be a non-empty list of feature vectors`, {
        field,
        expected: `at least one vector of ${this.inputDim} numbers`,
        received: describeValue(features),
      });
    }
    return features.map((row, r) => {
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number' || row.length !== this.inputDim) {
        throw new NoiseClassifierError('E_MODEL_MISMATCH', `${field}[${r}] does not fit the model input`, {
          field: `${field}[${r}]`,
          expected: `${this.inputDim} numbers (the model's input size)`,
          received: describeValue(row),
        });
      }
      const out = new Float32Array(this.inputDim);
      for (let c = 0; c < this.inputDim; c++) {
        const v = row[c];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new NoiseClassifierError('E_DATASET', `${field}[${r}][${c}] is not a finite number`, {
            field: `${field}[${r}][${c}]`,
            expected: 'a finite number',
            received: describeValue(v),
          });
        }
        out[c] = v;
      }
      return out;
    });
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

/** The caller's model behind a window input, and how to keep a replaced output layer in step with the original. */
export interface WindowInputModel {
  /** Input NHWC `[batch, 1, inputDim, 1]`, output logits `[batch, numClasses]`. */
  readonly model: tfTypes.LayersModel;
  /** Before training: the original output layer's weights into its linear twin (if there is one). */
  copyIn(): void;
  /** After training: the twin's weights back into the original output layer (if there is one). */
  copyOut(): void;
}

/**
 * `model` as `train` sees it: a 1×D window (NHWC `[batch, 1, D, 1]`), flattened, then the model's own layers
 * re-applied (`reapplyLayers`), so they and their weights are shared and training this trains `model`. `train`
 * fits logits, so a softmax at the output is left out: a `Softmax`/`Activation` layer is skipped, any other layer
 * with a softmax activation (a Dense head) gets a linear twin whose weights `copyIn` / `copyOut` carry across.
 */
export function windowInputModel(tf: Tf, model: tfTypes.LayersModel, inputDim: number): WindowInputModel {
  const input = tf.input({ shape: [1, inputDim, 1], name: 'feature_window' });
  const vector = tf.layers.flatten({ name: 'feature_vector' }).apply(input) as tfTypes.SymbolicTensor;
  const [from] = model.inputs;
  const [output] = model.outputs;
  if (from === undefined || output === undefined) throw new Error('internal: modelShapes checked one input and one output');
  const reapplied = (to: tfTypes.SymbolicTensor) => (to === from ? vector : reapplyLayers(tf, model, from, to, vector));
  const last = output.sourceLayer;
  const none = () => {};
  if (!isSoftmax(last)) {
    return { model: tf.model({ inputs: input, outputs: reapplied(output) }), copyIn: none, copyOut: none };
  }
  const lastInput = last.inboundNodes[0]?.inputTensors[0];
  if (lastInput === undefined) throw new Error(`internal: output layer ${last.name} has no input`);
  if (last.getClassName() === 'Softmax' || last.getClassName() === 'Activation') {
    return { model: tf.model({ inputs: input, outputs: reapplied(lastInput) }), copyIn: none, copyOut: none };
  }
  const { batchInputShape: _b, inputShape: _i, ...config } = last.getConfig();
  const Layer = last.constructor as new (args: tfTypes.serialization.ConfigDict) => tfTypes.layers.Layer;
  const twin = new Layer({ ...config, activation: 'linear', name: `${last.name}_logits` });
  const logits = twin.apply(reapplied(lastInput)) as tfTypes.SymbolicTensor;
  return {
    model: tf.model({ inputs: input, outputs: logits }),
    copyIn: () => twin.setWeights(last.getWeights()),
    copyOut: () => last.setWeights(twin.getWeights()),
  };
}

/** A softmax layer, or a layer with a softmax activation: the model outputs probabilities. */
function isSoftmax(layer: tfTypes.layers.Layer): boolean {
  return layer.getClassName() === 'Softmax' || layer.getConfig().activation === 'softmax';
}

/**
 * The old trainer trained on whichever tfjs backend was active; `train` makes the config's `device` current, so
 * name the active one ('auto' keeps tfjs-node and falls back to wasm or cpu for others, e.g. webgl).
 */
function deviceOfActiveBackend(tf: Tf): TrainingDevice {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu' ? backend : 'auto';
}

/** The seed's history keys; without validation data its validation series are empty (train() records NaN). */
function legacyHistory(history: TrainingHistory, validated: boolean): LegacyTrainingHistory {
  const wire = toWireHistory(history);
  return validated ? wire : { ...wire, val_loss: [], val_acc: [] };
}

function concatRows(rows: readonly Float32Array[], width: number): Float32Array {
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, r) => flat.set(row, r * width));
  return flat;
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
