import type { AudioFeatureConfig, ModelConfig } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';

/** What an architecture builder receives. */
export interface ArchitectureContext {
  readonly tf: TfModule;
  readonly modelConfig: ModelConfig;
  readonly featureConfig: AudioFeatureConfig;
  /** NHWC input shape without the batch dimension: [spectrogramHeight, spectrogramWidth, inputChannels]. */
  readonly inputShape: readonly [number, number, number];
  /** Makes weight initialisation reproducible when set. */
  readonly seed?: number;
}

/**
 * Builds an uncompiled functional tf.LayersModel taking NHWC input `inputShape` and returning logits
 * (no softmax) of size `modelConfig.numClasses`.
 */
export type ArchitectureBuilder = (context: ArchitectureContext) => Tf.LayersModel;

/** Returns kernel initialisers that are seeded in sequence when a seed is given. */
export function initializerFactory(tf: TfModule, seed: number | undefined) {
  let next = seed ?? 0;
  const seeded = () => (seed === undefined ? undefined : next++);
  return {
    /**
     * He scaling (fan-out, variance 2/fan_out) for convolutions, as the EfficientNet reference implementations use.
     * tfjs 4.x draws 'truncatedNormal' variance scaling from a uniform distribution of that variance (only 'normal'
     * is special-cased), so the weights are He-uniform in practice — same variance, seeded all the same.
     */
    conv: () => tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal', seed: seeded() }),
    dense: () => tf.initializers.glorotUniform({ seed: seeded() }),
  };
}
