import type * as Tf from '@tensorflow/tfjs';
import type { ArchitectureBuilder, ArchitectureContext } from './types';
import { initializerFactory } from './types';
import { stochasticDepthLayer } from '../layers/stochastic-depth';

/** One stage of the EfficientNet-B0 baseline (Tan & Le 2019, table 1). */
interface StageSpec {
  readonly expandRatio: number;
  readonly kernel: number;
  readonly stride: number;
  readonly inFilters: number;
  readonly outFilters: number;
  readonly repeats: number;
}

const B0_STAGES: readonly StageSpec[] = [
  { expandRatio: 1, kernel: 3, stride: 1, inFilters: 32, outFilters: 16, repeats: 1 },
  { expandRatio: 6, kernel: 3, stride: 2, inFilters: 16, outFilters: 24, repeats: 2 },
  { expandRatio: 6, kernel: 5, stride: 2, inFilters: 24, outFilters: 40, repeats: 2 },
  { expandRatio: 6, kernel: 3, stride: 2, inFilters: 40, outFilters: 80, repeats: 3 },
  { expandRatio: 6, kernel: 5, stride: 1, inFilters: 80, outFilters: 112, repeats: 3 },
  { expandRatio: 6, kernel: 5, stride: 2, inFilters: 112, outFilters: 192, repeats: 4 },
  { expandRatio: 6, kernel: 3, stride: 1, inFilters: 192, outFilters: 320, repeats: 1 },
];

export interface EfficientNetScaling {
  readonly widthMultiplier: number;
  readonly depthMultiplier: number;
  /** The paper's input resolution; informative only — our input size comes from the AudioFeatureConfig. */
  readonly resolution: number;
}

/** Compound-scaling coefficients of the paper for the variants we ship. */
export const EFFICIENTNET_SCALING: Readonly<Record<'b0' | 'b1' | 'b2' | 'b3', EfficientNetScaling>> = {
  b0: { widthMultiplier: 1.0, depthMultiplier: 1.0, resolution: 224 },
  b1: { widthMultiplier: 1.0, depthMultiplier: 1.1, resolution: 240 },
  b2: { widthMultiplier: 1.1, depthMultiplier: 1.2, resolution: 260 },
  b3: { widthMultiplier: 1.2, depthMultiplier: 1.4, resolution: 300 },
};

const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.99;
const SE_RATIO = 0.25;

/** Scales a channel count by the width multiplier and rounds to a multiple of 8 (never down by more than 10 %). */
export function roundFilters(filters: number, widthMultiplier: number, divisor = 8): number {
  const scaled = filters * widthMultiplier;
  let rounded = Math.max(divisor, Math.floor((scaled + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * scaled) rounded += divisor;
  return rounded;
}

/** Scales a stage's block count by the depth multiplier, rounding up. */
export function roundRepeats(repeats: number, depthMultiplier: number): number {
  return Math.ceil(repeats * depthMultiplier);
}

/** Returns the builder of an EfficientNet variant. */
export function efficientNetBuilder(scaling: EfficientNetScaling): ArchitectureBuilder {
  return (context) => buildEfficientNet(context, scaling);
}

function buildEfficientNet(context: ArchitectureContext, scaling: EfficientNetScaling): Tf.LayersModel {
  const { tf, modelConfig, inputShape } = context;
  const init = initializerFactory(tf, context.seed);
  const width = (f: number) => roundFilters(f, scaling.widthMultiplier);

  const conv = (name: string, filters: number, kernel: number, strides = 1, useBias = false, activation?: 'swish' | 'sigmoid') =>
    tf.layers.conv2d({
      name, filters, kernelSize: kernel, strides, padding: 'same', useBias,
      kernelInitializer: init.conv(), ...(activation === undefined ? {} : { activation }),
    });
  const bn = (name: string) => tf.layers.batchNormalization({ name, axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM });
  const swish = (name: string) => tf.layers.activation({ name, activation: 'swish' });
  const apply = (layer: Tf.layers.Layer, x: Tf.SymbolicTensor | Tf.SymbolicTensor[]) => layer.apply(x) as Tf.SymbolicTensor;

  const input = tf.input({ shape: [...inputShape], name: 'input' });
  let x = apply(conv('stem_conv', width(32), 3, 2), input);
  x = apply(swish('stem_swish'), apply(bn('stem_bn'), x));

  const stages = B0_STAGES.map((s) => ({
    ...s,
    inFilters: width(s.inFilters),
    outFilters: width(s.outFilters),
    repeats: roundRepeats(s.repeats, scaling.depthMultiplier),
  }));
  const totalBlocks = stages.reduce((n, s) => n + s.repeats, 0);
  let blockIndex = 0;
  stages.forEach((stage, stageIndex) => {
    for (let r = 0; r < stage.repeats; r++) {
      const name = `block${stageIndex + 1}${String.fromCharCode(97 + r)}`;
      const inFilters = r === 0 ? stage.inFilters : stage.outFilters;
      const stride = r === 0 ? stage.stride : 1;
      // Drop rate grows linearly with depth (0 for the first block), as in the paper and torchvision.
      const dropRate = (modelConfig.stochasticDepthRate * blockIndex) / totalBlocks;
      const blockInput = x;
      const expanded = inFilters * stage.expandRatio;
      if (stage.expandRatio !== 1) {
        x = apply(conv(`${name}_expand_conv`, expanded, 1), x);
        x = apply(swish(`${name}_expand_swish`), apply(bn(`${name}_expand_bn`), x));
      }
      x = apply(
        tf.layers.depthwiseConv2d({
          name: `${name}_dwconv`, kernelSize: stage.kernel, strides: stride, padding: 'same', useBias: false,
          depthwiseInitializer: init.conv(),
        }),
        x,
      );
      x = apply(swish(`${name}_dw_swish`), apply(bn(`${name}_dw_bn`), x));

      // Squeeze-and-excitation; the squeeze width is a ratio of the block *input* channels (torchvision layout).
      const squeezed = Math.max(1, Math.floor(inFilters * SE_RATIO));
      let se = apply(tf.layers.globalAveragePooling2d({ name: `${name}_se_pool` }), x);
      se = apply(tf.layers.reshape({ name: `${name}_se_reshape`, targetShape: [1, 1, expanded] }), se);
      se = apply(conv(`${name}_se_reduce`, squeezed, 1, 1, true, 'swish'), se);
      se = apply(conv(`${name}_se_expand`, expanded, 1, 1, true, 'sigmoid'), se);
      x = apply(tf.layers.multiply({ name: `${name}_se_excite` }), [x, se]);

      x = apply(conv(`${name}_project_conv`, stage.outFilters, 1), x);
      x = apply(bn(`${name}_project_bn`), x);
      if (stride === 1 && inFilters === stage.outFilters) {
        if (dropRate > 0) x = apply(stochasticDepthLayer(tf, { rate: dropRate, name: `${name}_drop` }), x);
        x = apply(tf.layers.add({ name: `${name}_add` }), [x, blockInput]);
      }
      blockIndex++;
    }
  });

  x = apply(conv('head_conv', width(1280), 1), x);
  x = apply(swish('head_swish'), apply(bn('head_bn'), x));
  x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  if (modelConfig.dropout > 0) x = apply(tf.layers.dropout({ name: 'top_dropout', rate: modelConfig.dropout }), x);
  const logits = apply(
    tf.layers.dense({ name: 'logits', units: modelConfig.numClasses, kernelInitializer: init.dense() }),
    x,
  );
  return tf.model({ inputs: input, outputs: logits, name: modelConfig.architecture });
}
