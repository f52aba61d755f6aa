import { NoiseClassifierError, checkStringArray, createTrainingConfig, type TrainingConfig } from '@noise-classifier/config';
import type * as tfType from '@tensorflow/tfjs';
import type { NoiseDataset } from '@noise-classifier/pipelines';
import { Trainer, type TrainerOptions, type TrainingResult } from './trainer';
import { examplesSource, toWindowSource, type TrainingExamples, type WindowSource } from './window-source';

type Tf = typeof tfType;

export interface FineTuneOptions extends Partial<Omit<TrainerOptions, 'tf'>> {
  readonly tf: Tf;
  /** Keep the backbone's weights (and batch-norm statistics) fixed and train only a new head (default true). */
  readonly freezeBackbone?: boolean;
  readonly training?: Partial<TrainingConfig>;
  /** Validation data for early stopping (same new labels). */
  readonly validation?: NoiseDataset | TrainingExamples | WindowSource;
  /** Dropout before the new head (default 0.2). */
  readonly headDropout?: number;
}

export interface FineTuneResult extends TrainingResult {
  readonly model: tfType.LayersModel;
  readonly labels: readonly string[];
}

/**
 * The Teachable Machine workflow: a trained model's backbone, a new classification head for `newLabels`, trained
 * from a handful of examples per class. With a frozen backbone the backbone runs once per example in inference
 * mode (embeddings), and only the head trains, which takes seconds; the result is one model, backbone + new head.
 */
export async function fineTune(
  baseModel: tfType.LayersModel,
  newLabels: readonly string[],
  examples: NoiseDataset | TrainingExamples | WindowSource,
  options: FineTuneOptions,
): Promise<FineTuneResult> {
  const { tf } = options;
  const labels = checkStringArray('newLabels', newLabels);
  if (labels.length < 2) {
    throw new NoiseClassifierError('E_CONFIG', 'fineTune needs at least two labels', {
      field: 'newLabels', expected: 'two or more class names', received: `${labels.length}`,
    });
  }
  const freeze = options.freezeBackbone ?? true;
  const config = createTrainingConfig({ numEpochs: 40, batchSize: 16, learningRate: 3e-3, earlyStoppingPatience: 0, device: 'auto', ...options.training });
  const source = toWindowSource(examples, baseModel.inputs[0]!.shape[3] as 1 | 3);
  const val = options.validation ? toWindowSource(options.validation, baseModel.inputs[0]!.shape[3] as 1 | 3) : null;
  checkLabels(source, labels, 'examples');
  if (val) checkLabels(val, labels, 'validation');
  // The last layer is the classifier; its input is the embedding.
  const head = baseModel.layers[baseModel.layers.length - 1]!;
  const embeddingTensor = head.input as tfType.SymbolicTensor;
  const embeddingSize = embeddingTensor.shape[embeddingTensor.shape.length - 1]!;
  const dropout = options.headDropout ?? 0.2;
  const newHead = tf.layers.dense({ units: labels.length, name: 'fine_tuned_logits' });
  const trainerOptions: TrainerOptions = { ...options, tf };

  if (!freeze) {
    let x = embeddingTensor;
    if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: 'fine_tuned_dropout' }).apply(x) as tfType.SymbolicTensor;
    const model = tf.model({ inputs: baseModel.inputs, outputs: newHead.apply(x) as tfType.SymbolicTensor, name: `${baseModel.name}_fine_tuned` });
    const trainer = new Trainer(model, config, trainerOptions);
    try {
      const result = await trainer.fit(source, val);
      return { ...result, model, labels };
    } finally {
      trainer.dispose();
    }
  }

  const backbone = tf.model({ inputs: baseModel.inputs, outputs: embeddingTensor });
  const embed = async (s: WindowSource): Promise<WindowSource> => {
    const inputs: Float32Array[] = [];
    const [c, h, w] = s.inputShape;
    for (let i = 0; i < s.size; i++) {
      const { data, count } = await s.windows(i, null);
      // Mean embedding over the clip's windows (NCHW → NHWC is a no-op for one channel; transpose otherwise).
      const e = tf.tidy(() => {
        let x = tf.tensor4d(data, [count, c, h, w]);
        x = tf.transpose(x, [0, 2, 3, 1]);
        return tf.mean(backbone.predict(x) as tfType.Tensor2D, 0).dataSync() as Float32Array;
      });
      inputs.push(e.slice());
    }
    return examplesSource({ inputs, labels: s.targets, classNames: labels, inputShape: [embeddingSize, 1, 1] });
  };
  const trainEmb = await embed(source);
  const valEmb = val ? await embed(val) : null;
  const headInput = tf.input({ shape: [1, 1, embeddingSize], name: 'embedding' });
  let y = tf.layers.flatten().apply(headInput) as tfType.SymbolicTensor;
  if (dropout > 0) y = tf.layers.dropout({ rate: dropout, name: 'fine_tuned_dropout' }).apply(y) as tfType.SymbolicTensor;
  const headModel = tf.model({ inputs: headInput, outputs: newHead.apply(y) as tfType.SymbolicTensor });
  const trainer = new Trainer(headModel, config, trainerOptions);
  let result: TrainingResult;
  try {
    result = await trainer.fit(trainEmb, valEmb);
  } finally {
    trainer.dispose();
  }
  for (const layer of backbone.layers) layer.trainable = false;
  // Dropout is the identity at inference, so the deployed model is backbone → new dense layer.
  const model = tf.model({ inputs: baseModel.inputs, outputs: newHead.apply(embeddingTensor) as tfType.SymbolicTensor, name: `${baseModel.name}_fine_tuned` });
  return { ...result, model, labels };
}

function checkLabels(source: WindowSource, labels: readonly string[], field: string): void {
  if (source.labels.length !== labels.length || source.labels.some((l, i) => l !== labels[i])) {
    throw new NoiseClassifierError('E_DATASET', `The ${field} use other labels than newLabels`, {
      field, expected: labels.join(', '), received: source.labels.join(', '),
    });
  }
}
