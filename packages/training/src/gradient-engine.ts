import type * as tfType from '@tensorflow/tfjs';

/** A batch as the trainer builds it (NHWC inputs). */
export interface Batch {
  readonly x: Float32Array;
  /** Soft targets, batch × classes. */
  readonly y: Float32Array;
  /** Loss weight per sample, already divided by the effective batch's total weight. */
  readonly w: Float32Array;
  readonly hard: Int32Array;
  readonly size: number;
}

/** Loss, correct arg-max count and gradients (keyed by tf variable name) of one micro-batch in training mode. */
export interface BatchGradients {
  readonly loss: number;
  readonly correct: number;
  readonly grads: Record<string, tfType.Tensor>;
}

/**
 * What the Trainer calls for every micro-batch instead of tfjs's `variableGrads` when given one: computes the
 * loss and gradients for the model's current weights and applies the batch-norm moving-statistics update that
 * tfjs training mode would have applied. The optimiser step stays in the Trainer.
 */
export interface GradientEngine {
  /** Shown in reports, e.g. `onnxruntime (2 threads)`. */
  readonly name: string;
  compute(batch: Batch, dropoutSeed: number): Promise<BatchGradients>;
  dispose(): Promise<void>;
}

/** Builds an engine for a model (the Trainer calls it once per fit, with the model it trains). */
export type GradientEngineFactory = (model: tfType.LayersModel) => Promise<GradientEngine>;
