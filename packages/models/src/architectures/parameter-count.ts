import type * as Tf from '@tensorflow/tfjs';

export interface ParameterCount {
  /** Trainable weights: comparable to PyTorch's `sum(p.numel() for p in model.parameters())`. */
  readonly trainable: number;
  /** Batch-norm moving mean/variance (PyTorch buffers, not parameters). */
  readonly nonTrainable: number;
  readonly total: number;
}

/** Counts a model's weights, split the way PyTorch splits parameters and buffers. */
export function countParameters(model: Tf.LayersModel): ParameterCount {
  const size = (ws: Tf.LayerVariable[]) => ws.reduce((n, w) => n + (w.shape as number[]).reduce((a, d) => a * d, 1), 0);
  const trainable = size(model.trainableWeights);
  const nonTrainable = size(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}
