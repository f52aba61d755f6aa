import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';
import { roundFilters } from './efficientnet';
import { hardSwishLayer } from '../layers/hard-swish';
import type { ArchitectureBuilder } from './types';
import { initializerFactory } from './types';

/**
 * One inverted-residual block of EfficientAT's MobileNetV3-style network ("MN", Schmid et al. 2023), in base
 * (width 1.0) channels: the MobileNetV3-Large table of Howard et al. 2019.
 */
export interface MobileNetBlockSpec {
  readonly inChannels: number;
  readonly kernel: number;
  readonly expandedChannels: number;
  readonly outChannels: number;
  /** Channel squeeze-and-excitation after the depthwise convolution. */
  readonly squeezeExcite: boolean;
  readonly activation: 'relu' | 'hardswish';
  readonly stride: 1 | 2;
}

const block = (
  inChannels: number, kernel: number, expandedChannels: number, outChannels: number,
  squeezeExcite: boolean, activation: 'relu' | 'hardswish', stride: 1 | 2,
): MobileNetBlockSpec => ({ inChannels, kernel, expandedChannels, outChannels, squeezeExcite, activation, stride });

/** The 15 blocks, in order (block i is `features.i` of the PyTorch state_dict; the stem is `features.0`). */
export const EFFICIENTAT_MN_BLOCKS: readonly MobileNetBlockSpec[] = Object.freeze([
  block(16, 3, 16, 16, false, 'relu', 1),
  block(16, 3, 64, 24, false, 'relu', 2),
  block(24, 3, 72, 24, false, 'relu', 1),
  block(24, 5, 72, 40, true, 'relu', 2),
  block(40, 5, 120, 40, true, 'relu', 1),
  block(40, 5, 120, 40, true, 'relu', 1),
  block(40, 3, 240, 80, false, 'hardswish', 2),
  block(80, 3, 200, 80, false, 'hardswish', 1),
  block(80, 3, 184, 80, false, 'hardswish', 1),
  block(80, 3, 184, 80, false, 'hardswish', 1),
  block(80, 3, 480, 112, true, 'hardswish', 1),
  block(112, 3, 672, 112, true, 'hardswish', 1),
  block(112, 5, 672, 160, true, 'hardswish', 2),
  block(160, 5, 960, 160, true, 'hardswish', 1),
  block(160, 5, 960, 160, true, 'hardswish', 1),
]);

/** Width multipliers of the published EfficientAT MobileNets (`mn04` = 0.4 … `mn40` = 4.0). */
export const EFFICIENTAT_WIDTHS = Object.freeze({ mn01: 0.1, mn02: 0.2, mn04: 0.4, mn05: 0.5, mn10: 1.0, mn20: 2.0, mn30: 3.0, mn40: 4.0 });

/** AudioSet's class count: the size of the published classifier. */
export const AUDIOSET_NUM_CLASSES = 527;

/** Name of the layer whose output is the pooled embedding (the features before the classifier head). */
export const EFFICIENTAT_EMBEDDING_LAYER = 'embedding';

/** The reference's batch norm: eps 0.001, PyTorch momentum 0.01 (tfjs counts momentum the other way: 0.99). */
const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.99;
/** Squeeze width: input channels ÷ 4, rounded to a multiple of 8. */
const SE_REDUCTION = 4;
const STEM_CHANNELS = 16;
/** The head's 1×1 expansion is 6× the last block's channels; its hidden classifier layer has 1280 base units. */
const HEAD_EXPANSION = 6;
const CLASSIFIER_HIDDEN = 1280;

export interface EfficientAtMnOptions {
  /** Channel width multiplier; 0.4 for mn04 (the default), see EFFICIENTAT_WIDTHS. */
  readonly widthMultiplier?: number;
  /** Logits of the classifier: 527 (AudioSet, the default) or the size of a new head. */
  readonly numClasses?: number;
  /** NHWC input without the batch dimension; default [128, null, 1]: 128 mel bands, any number of frames, 1 channel. */
  readonly inputShape?: readonly [number, number | null, number];
  /** Dropout before the last linear layer (the reference trains with 0.2); identity at inference. */
  readonly dropout?: number;
  /** Seeds initialisation of weights that are not loaded (a new head). */
  readonly seed?: number;
  readonly name?: string;
}

/** Channel counts of every block after width scaling (the reference's `make_divisible(c · width, 8)`). */
export function efficientAtBlocks(widthMultiplier: number): MobileNetBlockSpec[] {
  const width = (c: number) => roundFilters(c, widthMultiplier);
  return EFFICIENTAT_MN_BLOCKS.map((b) => ({
    ...b,
    inChannels: width(b.inChannels),
    expandedChannels: width(b.expandedChannels),
    outChannels: width(b.outChannels),
  }));
}

/** Squeeze width of a block's SE: ⌊expanded / 4⌋ rounded to a multiple of 8. */
export function efficientAtSqueezeChannels(expandedChannels: number): number {
  return roundFilters(Math.floor(expandedChannels / SE_REDUCTION), 1);
}

/**
 * Builds EfficientAT's MobileNet ("mn04" at width 0.4) as a functional tfjs model: NHWC log-mel input, logits
 * output. Layout (names in brackets map to the PyTorch state_dict, see `loadEfficientAtWeights`):
 * stem 3×3/2 conv → BN → hard swish [features.0]; 15 inverted-residual blocks [features.1–15]: 1×1 expansion
 * conv → BN → act (when the width grows), depthwise k×k conv → BN → act, channel squeeze-excitation
 * (mean over frequency and time → 1×1 ReLU → 1×1 sigmoid → scale), 1×1 projection → BN, residual add when the
 * shape is kept; 1×1 head conv to 6× channels → BN → hard swish [features.16]; global average pooling
 * (`embedding`, 384-d for mn04); linear → hard swish → dropout → linear [classifier.2, classifier.5].
 * Strided convolutions pad (k−1)/2 on every side like PyTorch (explicit ZeroPadding2D + 'valid'), not TF "same".
 */
export function buildEfficientAtMn(tf: TfModule, options: EfficientAtMnOptions = {}): Tf.LayersModel {
  const widthMultiplier = options.widthMultiplier ?? EFFICIENTAT_WIDTHS.mn04;
  const numClasses = options.numClasses ?? AUDIOSET_NUM_CLASSES;
  const init = initializerFactory(tf, options.seed);
  const apply = (layer: Tf.layers.Layer, x: Tf.SymbolicTensor | Tf.SymbolicTensor[]) => layer.apply(x) as Tf.SymbolicTensor;
  const bn = (name: string, x: Tf.SymbolicTensor) =>
    apply(tf.layers.batchNormalization({ name, axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM }), x);
  const act = (kind: 'relu' | 'hardswish', name: string, x: Tf.SymbolicTensor) =>
    apply(kind === 'relu' ? tf.layers.activation({ name, activation: 'relu' }) : hardSwishLayer(tf, { name }), x);
  // PyTorch pads (k − 1)/2 on all sides; TF "same" agrees for stride 1 and odd k, not for stride 2.
  const spatialConv = (name: string, x: Tf.SymbolicTensor, kernel: number, stride: number, filters: number | 'depthwise') => {
    const pad = (kernel - 1) / 2;
    const padded = stride === 1 || pad === 0 ? x : apply(tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: [[pad, pad], [pad, pad]] }), x);
    const common = { name, kernelSize: kernel, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false } as const;
    return apply(
      filters === 'depthwise'
        ? tf.layers.depthwiseConv2d({ ...common, depthwiseInitializer: init.conv() })
        : tf.layers.conv2d({ ...common, filters, kernelInitializer: init.conv() }),
      padded,
    );
  };
  const pointwise = (name: string, x: Tf.SymbolicTensor, filters: number, useBias = false, activation?: 'relu' | 'sigmoid') =>
    apply(tf.layers.conv2d({
      name, filters, kernelSize: 1, padding: 'valid', useBias, kernelInitializer: init.conv(),
      ...(activation === undefined ? {} : { activation }),
    }), x);

  const input = tf.input({ shape: [...(options.inputShape ?? [128, null, 1])] as number[], name: 'input' });
  const blocks = efficientAtBlocks(widthMultiplier);
  let x = spatialConv('stem_conv', input, 3, 2, roundFilters(STEM_CHANNELS, widthMultiplier));
  x = act('hardswish', 'stem_act', bn('stem_bn', x));

  blocks.forEach((spec, index) => {
    const name = `block${index + 1}`;
    const blockInput = x;
    if (spec.expandedChannels !== spec.inChannels) {
      x = pointwise(`${name}_expand_conv`, x, spec.expandedChannels);
      x = act(spec.activation, `${name}_expand_act`, bn(`${name}_expand_bn`, x));
    }
    x = spatialConv(`${name}_dw_conv`, x, spec.kernel, spec.stride, 'depthwise');
    x = act(spec.activation, `${name}_dw_act`, bn(`${name}_dw_bn`, x));
    if (spec.squeezeExcite) {
      let se = apply(tf.layers.globalAveragePooling2d({ name: `${name}_se_pool` }), x);
      se = apply(tf.layers.reshape({ name: `${name}_se_reshape`, targetShape: [1, 1, spec.expandedChannels] }), se);
      se = pointwise(`${name}_se_reduce`, se, efficientAtSqueezeChannels(spec.expandedChannels), true, 'relu');
      se = pointwise(`${name}_se_expand`, se, spec.expandedChannels, true, 'sigmoid');
      x = apply(tf.layers.multiply({ name: `${name}_se_scale` }), [x, se]);
    }
    x = bn(`${name}_project_bn`, pointwise(`${name}_project_conv`, x, spec.outChannels));
    if (spec.stride === 1 && spec.inChannels === spec.outChannels) x = apply(tf.layers.add({ name: `${name}_add` }), [x, blockInput]);
  });

  const last = blocks[blocks.length - 1]!.outChannels;
  x = pointwise('head_conv', x, HEAD_EXPANSION * last);
  x = act('hardswish', 'head_act', bn('head_bn', x));
  x = apply(tf.layers.globalAveragePooling2d({ name: EFFICIENTAT_EMBEDDING_LAYER }), x);
  x = apply(tf.layers.dense({ name: 'classifier_hidden', units: roundFilters(CLASSIFIER_HIDDEN, widthMultiplier), kernelInitializer: init.dense() }), x);
  x = act('hardswish', 'classifier_act', x);
  const dropout = options.dropout ?? 0.2;
  if (dropout > 0) x = apply(tf.layers.dropout({ name: 'classifier_dropout', rate: dropout }), x);
  const logits = apply(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init.dense() }), x);
  return tf.model({ inputs: input, outputs: logits, name: options.name ?? 'efficientat_mn' });
}

/**
 * A model sharing `model`'s layers (and weights) whose output is the pooled embedding [batch, 384 for mn04]:
 * the reference's "features" output, what transfer learning feeds a new classifier.
 */
export function efficientAtEmbeddingModel(tf: TfModule, model: Tf.LayersModel): Tf.LayersModel {
  const layer = model.getLayer(EFFICIENTAT_EMBEDDING_LAYER);
  return tf.model({ inputs: model.inputs, outputs: layer.output as Tf.SymbolicTensor, name: `${model.name}_embedding` });
}

/** Registry builder for `efficientat_mn04`: input from the feature config, classes and dropout from the model config. */
export function efficientAtBuilder(widthMultiplier: number): ArchitectureBuilder {
  return ({ tf, modelConfig, inputShape, seed }) => buildEfficientAtMn(tf, {
    widthMultiplier,
    numClasses: modelConfig.numClasses,
    inputShape,
    dropout: modelConfig.dropout,
    name: modelConfig.architecture,
    ...(seed === undefined ? {} : { seed }),
  });
}
