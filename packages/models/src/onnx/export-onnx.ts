import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '../backend';
import { METADATA_KEYS, PRODUCER_NAME, PRODUCER_VERSION, checkInputAgainstMetadata, metadataToProps } from '../metadata';
import { STOCHASTIC_DEPTH_CLASS } from '../layers/stochastic-depth';
import { HARD_SWISH_CLASS } from '../layers/hard-swish';
import { layerGraph, layerWeight, type LayerCall, type LayerGraph, type TensorRef } from '../layers/layer-graph';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { ONNX_DATA_TYPE, modelProtoType } from './onnx-schema';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT_NAME = 'input';
export const ONNX_LOGITS_NAME = 'logits';
export const ONNX_PROBABILITIES_NAME = 'probabilities';
/** The 527 AudioSet logits of a model built on an AudioSet-pretrained backbone (a second output beside `logits`). */
export const ONNX_AUDIOSET_LOGITS_NAME = 'audioset_logits';
export const ONNX_BATCH_DIM = 'batch';

export interface ExportOnnxOptions {
  /** Only 'onnx' can be produced; 'torchscript' is a PyTorch format and gets E_UNSUPPORTED_FORMAT. */
  readonly format?: string;
  /** Fold batch normalisation into the preceding convolution / dense layer where possible (default true). */
  readonly foldBatchNorm?: boolean;
  readonly docString?: string;
  /**
   * More `metadata_props` entries, e.g. the weights' provenance and licence (`EFFICIENTAT_MN04_PROVENANCE`).
   * Keys must not be ours (`METADATA_KEYS`); readers see them in `readOnnxModelInfo(…).metadataProps`.
   */
  readonly extraMetadata?: Readonly<Record<string, string>>;
  /**
   * Names of layers whose [batch, width] outputs become extra graph outputs of the same name, e.g.
   * `[EFFICIENTAT_EMBEDDING_LAYER]` for the pooled embedding beside the logits (runtimes fetch them with
   * `run(…, { extraOutputs })`).
   */
  readonly extraOutputs?: readonly string[];
}

/** An exported value: its ONNX name and the tfjs (NHWC) shape it represents. Rank-4 values are NCHW in ONNX. */
interface Value {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

/** Layers that are the identity at inference time. */
const INFERENCE_IDENTITY = new Set([
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', STOCHASTIC_DEPTH_CLASS,
]);
const FOLDABLE_PRODUCERS = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

/**
 * Converts a tfjs layers model into an ONNX model (opset 17, IR 8) with our metadata in `metadata_props`.
 * Input `input` is NCHW `[batch, C, H, W]` (the tfjs model's NHWC input transposed), outputs are `logits`
 * and `probabilities` (Softmax over axis 1). Unsupported layers are E_MODEL_FORMAT naming the layer class.
 */
export function exportOnnx(model: Tf.LayersModel, metadata: ModelMetadata, options: ExportOnnxOptions = {}): Uint8Array {
  checkFormat(options.format);
  if (model === null || typeof model !== 'object' || !Array.isArray((model as { inputs?: unknown }).inputs) || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'exportOnnx needs a tfjs LayersModel', {
      field: 'model',
      expected: 'a tf.LayersModel (from buildModel, loadTfjsModel or tf.model)',
      received: describeValue(model),
    });
  }
  if (metadata === null || typeof metadata !== 'object' || !Array.isArray(metadata.labels) || metadata.modelConfig === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'exportOnnx needs model metadata (see createModelMetadata)', {
      field: 'metadata',
      expected: 'a ModelMetadata with labels, featureConfig and modelConfig',
      received: describeValue(metadata),
    });
  }
  const graph = layerGraph(model);
  const inputShape = graph.input.shape;
  if (inputShape.length !== 4 || inputShape.slice(1).some((d) => d === null)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'ONNX export needs a model with a fixed-size image input', {
      field: 'model.inputs[0].shape',
      expected: '[null, height, width, channels]',
      received: JSON.stringify(inputShape),
    });
  }
  const outputShape = graph.output.shape;
  const numClasses = outputShape[outputShape.length - 1];
  if (outputShape.length !== 2 || typeof numClasses !== 'number') {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'ONNX export needs a model whose output is [batch, classes]', {
      field: 'model.outputs[0].shape',
      expected: '[null, numClasses]',
      received: JSON.stringify(outputShape),
    });
  }
  if (metadata.labels.length !== numClasses) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `The model has ${numClasses} outputs but the metadata lists ${metadata.labels.length} labels`, {
      field: 'metadata.labels',
      expected: `${numClasses} labels`,
      received: `${metadata.labels.length} labels`,
    });
  }
  const [, h, w, c] = inputShape;
  checkInputAgainstMetadata(metadata, [c, h, w], 'the tfjs model');

  const builder = new OnnxGraphBuilder();
  const extraOutputs = checkExtraOutputs(graph, options.extraOutputs);
  for (const reserved of [ONNX_INPUT_NAME, ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME, ...extraOutputs.map((o) => o.name)]) builder.reserve(reserved);
  const emitter = new LayerEmitter(builder, graph, options.foldBatchNorm ?? true);
  const final = emitter.emitAll();

  // Name the last value `logits`: rename its producing node when nothing else reads it, else add an Identity.
  const producingNode = builder.nodes.find((n) => n.output[0] === final.name);
  if (producingNode !== undefined && graph.consumers.get(graph.output.key) === 1) {
    producingNode.output[0] = ONNX_LOGITS_NAME;
    producingNode.name = ONNX_LOGITS_NAME;
  } else {
    builder.nodes.push({ input: [final.name], output: [ONNX_LOGITS_NAME], name: ONNX_LOGITS_NAME, opType: 'Identity', attribute: [] });
  }
  builder.nodes.push({
    input: [ONNX_LOGITS_NAME], output: [ONNX_PROBABILITIES_NAME], name: ONNX_PROBABILITIES_NAME, opType: 'Softmax',
    attribute: [{ name: 'axis', type: 2, i: 1 }],
  });

  for (const extra of extraOutputs) {
    builder.nodes.push({ input: [emitter.valueName(extra.ref)], output: [extra.name], name: extra.name, opType: 'Identity', attribute: [] });
  }
  pruneUnused(builder, [ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME, ...extraOutputs.map((o) => o.name)]);

  const [, height, width, channels] = inputShape as [null, number, number, number];
  const tensorInfo = (name: string, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
  const props = { ...extraProps(options.extraMetadata), ...metadataToProps(metadata) };
  const message = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: options.docString ?? `${metadata.modelConfig.architecture} for environmental noise classification`,
    graph: {
      name: metadata.modelConfig.architecture,
      node: builder.nodes,
      initializer: builder.initializers,
      input: [tensorInfo(ONNX_INPUT_NAME, [ONNX_BATCH_DIM, channels, height, width])],
      output: [
        tensorInfo(ONNX_LOGITS_NAME, [ONNX_BATCH_DIM, numClasses]),
        tensorInfo(ONNX_PROBABILITIES_NAME, [ONNX_BATCH_DIM, numClasses]),
        ...extraOutputs.map((o) => tensorInfo(o.name, [ONNX_BATCH_DIM, o.width])),
      ],
    },
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
  };
  const type = modelProtoType();
  return type.encode(type.fromObject(message)).finish();
}

/** Drops nodes whose outputs nobody reads (e.g. a Flatten bypassed by the SE shortcut) and unused initialisers. */
function pruneUnused(builder: OnnxGraphBuilder, graphOutputs: string[]): void {
  for (let changed = true; changed; ) {
    const read = new Set([...graphOutputs, ...builder.nodes.flatMap((n) => n.input)]);
    const before = builder.nodes.length;
    const kept = builder.nodes.filter((n) => n.output.some((o) => read.has(o)));
    builder.nodes.splice(0, builder.nodes.length, ...kept);
    changed = kept.length !== before;
  }
  const read = new Set(builder.nodes.flatMap((n) => n.input));
  const used = builder.initializers.filter((t) => read.has(t.name));
  builder.initializers.splice(0, builder.initializers.length, ...used);
}

/** Resolves `extraOutputs` layer names to their [batch, width] output tensors; anything else is E_MODEL_FORMAT. */
function checkExtraOutputs(graph: LayerGraph, names: readonly string[] | undefined): { name: string; ref: TensorRef; width: number }[] {
  const reserved = new Set([ONNX_INPUT_NAME, ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME]);
  return [...new Set(names ?? [])].map((name) => {
    const call = graph.calls.find((c) => c.layer.name === name);
    const ref = call?.outputs[0];
    const width = ref?.shape[1];
    if (reserved.has(name) || call === undefined || ref === undefined || ref.shape.length !== 2 || typeof width !== 'number') {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `extraOutputs: ${JSON.stringify(name)} is not a layer of this model with a [batch, width] output`, {
        field: 'extraOutputs',
        expected: `names of layers between input and logits with rank-2 outputs, other than ${[...reserved].join(', ')}`,
        received: call === undefined ? JSON.stringify(name) : `${JSON.stringify(name)} with output shape ${JSON.stringify(ref?.shape)}`,
      });
    }
    return { name, ref, width };
  });
}

function extraProps(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (extra === undefined) return {};
  const ours = new Set<string>(Object.values(METADATA_KEYS));
  for (const [key, value] of Object.entries(extra)) {
    if (ours.has(key) || typeof value !== 'string') {
      throw new NoiseClassifierError('E_CONFIG', `extraMetadata.${key} ${ours.has(key) ? 'would overwrite our own metadata' : 'is not a string'}`, {
        field: `extraMetadata.${key}`,
        expected: `a string under a key other than ${[...ours].join(', ')}`,
        received: ours.has(key) ? JSON.stringify(key) : describeValue(value),
      });
    }
  }
  return { ...extra };
}

function checkFormat(format: string | undefined): void {
  if (format === undefined || format === 'onnx') return;
  if (format === 'torchscript') {
    throw new NoiseClassifierError(
      'E_UNSUPPORTED_FORMAT',
      'TorchScript is a PyTorch format that cannot be produced without PyTorch; export ONNX instead (PyTorch users can load it with onnx2torch or run it in onnxruntime)',
      { field: 'format', expected: "'onnx' (or 'tfjs' for training checkpoints)", received: "'torchscript'" },
    );
  }
  throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', `Unknown export format ${describeValue(format)}`, {
    field: 'format',
    expected: "'onnx'",
    received: describeValue(format),
  });
}

type Pair = [number, number];
const pair = (v: unknown): Pair => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);

/** A ZeroPadding2D's [top, bottom, left, right] from its config (a number, [h, w] or [[t, b], [l, r]]). */
export function zeroPaddingOf(cfg: Tf.serialization.ConfigDict): [number, number, number, number] {
  const p = cfg.padding as unknown;
  const [[top, bottom], [left, right]] = Array.isArray(p) && Array.isArray(p[0])
    ? (p as [Pair, Pair])
    : [pair(Array.isArray(p) ? p[0] : p), pair(Array.isArray(p) ? p[1] : p)];
  return [Number(top), Number(bottom), Number(left), Number(right)];
}

/** TF "same" padding as explicit pads: the odd pixel goes at the end (bottom/right), unlike PyTorch. */
export function samePads(inSize: number, kernel: number, stride: number, dilation = 1): Pair {
  const effective = (kernel - 1) * dilation + 1;
  const outSize = Math.ceil(inSize / stride);
  const total = Math.max((outSize - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

interface BatchNormParams {
  readonly scale: Float64Array;
  readonly shift: Float64Array;
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly epsilon: number;
}

class LayerEmitter {
  private readonly values = new Map<string, Value>();
  /** Producer layer name → the batch-norm call folded into it. */
  private readonly folds = new Map<string, LayerCall>();
  private readonly foldedBatchNorms = new Set<string>();
  /** Convolution layer name → [top, left, bottom, right] of the ZeroPadding2D folded into its pads. */
  private readonly padFolds = new Map<string, number[]>();
  private readonly foldedPads = new Set<string>();
  /** Flatten outputs of global pools → the pooled [N, C, 1, 1] value, so a Reshape back to [1, 1, C] is free. */
  private readonly pooled4d = new Map<string, string>();

  constructor(
    private readonly b: OnnxGraphBuilder,
    private readonly graph: LayerGraph,
    foldBatchNorm: boolean,
  ) {
    if (foldBatchNorm) this.planFolds();
    this.planPadFolds();
  }

  /** Zero padding read only by a 'valid' convolution becomes that convolution's pads (PyTorch's layout). */
  private planPadFolds(): void {
    for (const call of this.graph.calls) {
      if ((call.className !== 'Conv2D' && call.className !== 'DepthwiseConv2D') || call.layer.getConfig().padding !== 'valid') continue;
      const input = call.inputs[0]!;
      const pad = this.graph.producer.get(input.key);
      if (pad?.className !== 'ZeroPadding2D' || this.graph.consumers.get(input.key) !== 1) continue;
      const cfg = pad.layer.getConfig();
      if (cfg.dataFormat !== undefined && cfg.dataFormat !== null && cfg.dataFormat !== 'channelsLast') continue;
      const [top, bottom, left, right] = zeroPaddingOf(cfg);
      this.padFolds.set(call.layer.name, [top, left, bottom, right]);
      this.foldedPads.add(pad.layer.name);
    }
  }

  /** The ONNX value holding a tensor once emitted. */
  valueName(ref: TensorRef): string {
    return this.value(ref).name;
  }

  emitAll(): Value {
    for (const call of this.graph.calls) this.emit(call);
    return this.value(this.graph.output);
  }

  /** A batch norm folds into its producer when the producer is linear and nothing else reads its output. */
  private planFolds(): void {
    for (const call of this.graph.calls) {
      if (call.className !== 'BatchNormalization' || call.inputs.length !== 1) continue;
      const input = call.inputs[0]!;
      const producer = this.graph.producer.get(input.key);
      if (producer === undefined || !FOLDABLE_PRODUCERS.has(producer.className)) continue;
      if (this.graph.consumers.get(input.key) !== 1 || producer.outputs.length !== 1) continue;
      if (activationName(producer.layer.getConfig().activation) !== 'linear') continue;
      if (!isLastAxis(call.layer.getConfig().axis, input.shape.length)) continue;
      this.folds.set(producer.layer.name, call);
      this.foldedBatchNorms.add(call.layer.name);
    }
  }

  private value(ref: TensorRef): Value {
    const v = this.values.get(ref.key);
    if (v === undefined) throw new Error(`internal: tensor ${ref.key} used before it was produced`);
    return v;
  }

  private set(ref: TensorRef, name: string): void {
    this.values.set(ref.key, { name, shape: ref.shape });
  }

  private unsupported(call: LayerCall, why: string): never {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `Cannot export layer ${call.layer.name} of class ${call.className} to ONNX: ${why}`, {
      field: `layers.${call.layer.name}`,
      expected: 'Conv2D, DepthwiseConv2D, Dense, BatchNormalization, Activation, ReLU, Softmax, LeakyReLU, Add, Multiply, Subtract, Concatenate, Global/Max/AveragePooling2D, Flatten, Reshape, ZeroPadding2D, hard swish, Dropout or stochastic depth',
      received: call.className,
    });
  }

  private emit(call: LayerCall): void {
    const cfg = call.layer.getConfig();
    const name = call.layer.name;
    const out = call.outputs[0]!;
    if (call.className === 'InputLayer') {
      this.set(out, ONNX_INPUT_NAME);
      return;
    }
    if (call.outputs.length !== 1) this.unsupported(call, 'layers with several outputs are not supported');
    const inputs = call.inputs.map((r) => this.value(r));
    const x = inputs[0]!;
    const rank = x.shape.length;

    if (INFERENCE_IDENTITY.has(call.className)) return this.set(out, x.name);
    if (this.foldedBatchNorms.has(name)) return this.set(out, x.name); // already applied by its producer
    if (this.foldedPads.has(name)) return this.set(out, x.name); // applied by the convolution reading it

    switch (call.className) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.set(out, this.emitConv(call, x, cfg));
      case 'Dense':
        return this.set(out, this.emitDense(call, x, cfg));
      case 'BatchNormalization': {
        if (!isLastAxis(cfg.axis, rank)) this.unsupported(call, `batch normalisation over axis ${String(cfg.axis)} (only the channel axis is supported)`);
        const p = batchNormParams(call.layer, cfg);
        const op = this.b.node('BatchNormalization', [
          x.name,
          this.b.floatTensor(`${name}.gamma`, [p.gamma.length], p.gamma),
          this.b.floatTensor(`${name}.beta`, [p.beta.length], p.beta),
          this.b.floatTensor(`${name}.mean`, [p.mean.length], p.mean),
          this.b.floatTensor(`${name}.var`, [p.variance.length], p.variance),
        ], name, { epsilon: { float: p.epsilon } });
        return this.set(out, op);
      }
      case 'Activation':
        return this.set(out, this.activation(call, cfg.activation, x, name));
      case HARD_SWISH_CLASS:
        return this.set(out, this.b.node('HardSwish', [x.name], name));
      case 'ReLU': {
        const max = cfg.maxValue;
        if (max === null || max === undefined) return this.set(out, this.b.node('Relu', [x.name], name));
        return this.set(out, this.b.node('Clip', [x.name, this.b.floatScalar(`${name}.min`, 0), this.b.floatScalar(`${name}.max`, Number(max))], name));
      }
      case 'LeakyReLU':
        return this.set(out, this.b.node('LeakyRelu', [x.name], name, { alpha: { float: Number(cfg.alpha ?? 0.3) } }));
      case 'ELU':
        return this.set(out, this.b.node('Elu', [x.name], name, { alpha: { float: Number(cfg.alpha ?? 1) } }));
      case 'Softmax': {
        if (!isLastAxis(cfg.axis ?? -1, rank)) this.unsupported(call, 'softmax over a non-channel axis');
        return this.set(out, this.b.node('Softmax', [x.name], name, { axis: rank === 4 ? 1 : rank - 1 }));
      }
      case 'Add':
      case 'Multiply':
      case 'Subtract':
      case 'Maximum':
      case 'Minimum': {
        const op = { Add: 'Add', Multiply: 'Mul', Subtract: 'Sub', Maximum: 'Max', Minimum: 'Min' }[call.className]!;
        this.checkSameRank(call, inputs);
        if (op === 'Sub' || inputs.length === 2) return this.set(out, this.b.node(op, inputs.map((v) => v.name), name));
        if (op === 'Max' || op === 'Min') return this.set(out, this.b.node(op, inputs.map((v) => v.name), name));
        let acc = inputs[0]!.name;
        for (let i = 1; i < inputs.length; i++) acc = this.b.node(op, [acc, inputs[i]!.name], i === inputs.length - 1 ? name : `${name}.${i}`);
        return this.set(out, acc);
      }
      case 'Average': {
        this.checkSameRank(call, inputs);
        const sum = this.b.node('Sum', inputs.map((v) => v.name), `${name}.sum`);
        return this.set(out, this.b.node('Mul', [sum, this.b.floatScalar(`${name}.scale`, 1 / inputs.length)], name));
      }
      case 'Concatenate': {
        this.checkSameRank(call, inputs);
        const axis = normaliseAxis(Number(cfg.axis ?? -1), rank);
        return this.set(out, this.b.node('Concat', inputs.map((v) => v.name), name, { axis: rank === 4 ? NHWC_TO_NCHW_AXIS[axis]! : axis }));
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        this.checkChannelsLast(call, cfg);
        const pooled = this.b.node(call.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name], `${name}.pool`);
        if (out.shape.length === 4) return this.set(out, pooled);
        const flat = this.b.node('Flatten', [pooled], name, { axis: 1 });
        this.pooled4d.set(flat, pooled);
        return this.set(out, flat);
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        this.checkChannelsLast(call, cfg);
        const kernel = pair(cfg.poolSize);
        const strides = pair(cfg.strides ?? cfg.poolSize);
        const pads = this.pads(call, x, kernel, strides, [1, 1], cfg.padding);
        const attrs: Record<string, number | number[]> = { kernel_shape: kernel, strides, pads };
        if (call.className === 'AveragePooling2D') attrs.count_include_pad = 0; // TF averages over valid pixels only
        return this.set(out, this.b.node(call.className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x.name], name, attrs));
      }
      case 'ZeroPadding2D': {
        this.checkChannelsLast(call, cfg);
        const [top, bottom, left, right] = zeroPaddingOf(cfg);
        const pads = this.b.int64Tensor(`${name}.pads`, [0, 0, top, left, 0, 0, bottom, right]);
        return this.set(out, this.b.node('Pad', [x.name, pads], name, { mode: 'constant' }));
      }
      case 'Flatten': {
        if (rank <= 2) return this.set(out, x.name);
        // tfjs flattens in NHWC order, so go back to NHWC before flattening.
        const source = rank === 4 ? this.b.node('Transpose', [x.name], `${name}.nhwc`, { perm: [0, 2, 3, 1] }) : x.name;
        return this.set(out, this.b.node('Flatten', [source], name, { axis: 1 }));
      }
      case 'Reshape':
        return this.set(out, this.emitReshape(call, x, out));
      default:
        return this.unsupported(call, 'no ONNX translation for this layer class');
    }
  }

  private checkSameRank(call: LayerCall, inputs: Value[]): void {
    if (inputs.some((v) => v.shape.length !== inputs[0]!.shape.length)) {
      this.unsupported(call, 'inputs of different ranks');
    }
  }

  private checkChannelsLast(call: LayerCall, cfg: Tf.serialization.ConfigDict): void {
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== null && cfg.dataFormat !== 'channelsLast') {
      this.unsupported(call, `dataFormat ${String(cfg.dataFormat)} (only channelsLast is supported)`);
    }
  }

  private pads(call: LayerCall, x: Value, kernel: Pair, strides: Pair, dilations: Pair, padding: unknown): number[] {
    if (padding === 'valid') return [0, 0, 0, 0];
    if (padding !== 'same') this.unsupported(call, `padding ${String(padding)}`);
    const [, h, w] = x.shape;
    if (typeof h !== 'number' || typeof w !== 'number') this.unsupported(call, '"same" padding needs a fixed input size');
    const [top, bottom] = samePads(h, kernel[0], strides[0], dilations[0]);
    const [left, right] = samePads(w, kernel[1], strides[1], dilations[1]);
    return [top, left, bottom, right];
  }

  private emitConv(call: LayerCall, x: Value, cfg: Tf.serialization.ConfigDict): string {
    this.checkChannelsLast(call, cfg);
    if (x.shape.length !== 4) this.unsupported(call, 'convolution input must be rank 4');
    const name = call.layer.name;
    const depthwise = call.className === 'DepthwiseConv2D';
    const kernelVar = layerWeight(call.layer, depthwise ? 'depthwise_kernel' : 'kernel');
    if (kernelVar === undefined) this.unsupported(call, 'kernel weights not found');
    const [kh, kw, cin, last] = kernelVar.shape as [number, number, number, number];
    const k = kernelVar.read().dataSync() as Float32Array;
    const cout = depthwise ? cin * last : last;
    // ONNX weight layout: OIHW; depthwise is a grouped conv with [C·multiplier, 1, kh, kw] and group = C.
    const weight = new Float64Array(cout * (depthwise ? 1 : cin) * kh * kw);
    for (let y = 0; y < kh; y++) {
      for (let xk = 0; xk < kw; xk++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < last; o++) {
            const v = k[((y * kw + xk) * cin + i) * last + o]!;
            if (depthwise) weight[((i * last + o) * kh + y) * kw + xk] = v;
            else weight[((o * cin + i) * kh + y) * kw + xk] = v;
          }
        }
      }
    }
    const biasVar = cfg.useBias === false ? undefined : layerWeight(call.layer, 'bias');
    const bias = biasVar === undefined ? undefined : Float64Array.from(biasVar.read().dataSync() as Float32Array);
    const folded = this.applyFold(call, weight, bias, cout);
    const kernel: Pair = [kh, kw];
    const strides = pair(cfg.strides ?? 1);
    const dilations = pair(cfg.dilationRate ?? 1);
    const inputs = [x.name, this.b.floatTensor(`${name}.weight`, [cout, depthwise ? 1 : cin, kh, kw], Float32Array.from(folded.weight))];
    if (folded.bias !== undefined) inputs.push(this.b.floatTensor(`${name}.bias`, [cout], Float32Array.from(folded.bias)));
    const outName = folded.outputName ?? name;
    const linear = activationName(cfg.activation) === 'linear';
    const conv = this.b.node('Conv', inputs, linear ? outName : `${name}.conv`, {
      kernel_shape: kernel,
      strides,
      dilations,
      pads: this.pads(call, x, kernel, strides, dilations, cfg.padding).map((p, i) => p + (this.padFolds.get(name)?.[i] ?? 0)),
      group: depthwise ? cin : 1,
    });
    return linear ? conv : this.activation(call, cfg.activation, { name: conv, shape: call.outputs[0]!.shape }, outName);
  }

  private emitDense(call: LayerCall, x: Value, cfg: Tf.serialization.ConfigDict): string {
    const name = call.layer.name;
    const kernelVar = layerWeight(call.layer, 'kernel');
    if (kernelVar === undefined) this.unsupported(call, 'kernel weights not found');
    const [cin, cout] = kernelVar.shape as [number, number];
    const k = kernelVar.read().dataSync() as Float32Array;
    const biasVar = cfg.useBias === false ? undefined : layerWeight(call.layer, 'bias');
    const bias = biasVar === undefined ? undefined : Float64Array.from(biasVar.read().dataSync() as Float32Array);
    const rank = x.shape.length;
    if (rank !== 2 && rank !== 4) this.unsupported(call, `dense layers on rank-${rank} input`);
    // Output-major weight [cout, cin] so that folding scales rows; Gemm reads it with transB = 1.
    const weight = new Float64Array(cout * cin);
    for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) weight[o * cin + i] = k[i * cout + o]!;
    const folded = this.applyFold(call, weight, bias, cout);
    const outName = folded.outputName ?? name;
    const linear = activationName(cfg.activation) === 'linear';
    const target = linear ? outName : `${name}.linear`;
    let y: string;
    if (rank === 2) {
      const inputs = [x.name, this.b.floatTensor(`${name}.weight`, [cout, cin], Float32Array.from(folded.weight))];
      if (folded.bias !== undefined) inputs.push(this.b.floatTensor(`${name}.bias`, [cout], Float32Array.from(folded.bias)));
      y = this.b.node('Gemm', inputs, target, { transB: 1 });
    } else {
      // A dense layer on NHWC acts on channels: a 1×1 convolution in NCHW.
      const inputs = [x.name, this.b.floatTensor(`${name}.weight`, [cout, cin, 1, 1], Float32Array.from(folded.weight))];
      if (folded.bias !== undefined) inputs.push(this.b.floatTensor(`${name}.bias`, [cout], Float32Array.from(folded.bias)));
      y = this.b.node('Conv', inputs, target, { kernel_shape: [1, 1] });
    }
    return linear ? y : this.activation(call, cfg.activation, { name: y, shape: call.outputs[0]!.shape }, outName);
  }

  /** Scales output-major weights by a folded batch norm and returns the new bias and output name. */
  private applyFold(call: LayerCall, weight: Float64Array, bias: Float64Array | undefined, cout: number) {
    const bn = this.folds.get(call.layer.name);
    if (bn === undefined) return { weight, bias, outputName: undefined };
    const p = batchNormParams(bn.layer, bn.layer.getConfig());
    if (p.scale.length !== cout) this.unsupported(bn, `batch norm size ${p.scale.length} differs from ${cout} channels`);
    const per = weight.length / cout;
    for (let o = 0; o < cout; o++) for (let j = 0; j < per; j++) weight[o * per + j]! *= p.scale[o]!;
    const newBias = new Float64Array(cout);
    for (let o = 0; o < cout; o++) newBias[o] = (bias?.[o] ?? 0) * p.scale[o]! + p.shift[o]!;
    return { weight, bias: newBias, outputName: bn.layer.name };
  }

  private emitReshape(call: LayerCall, x: Value, out: TensorRef): string {
    const name = call.layer.name;
    const target = out.shape.slice(1);
    if (target.some((d) => typeof d !== 'number')) this.unsupported(call, 'reshape to a shape with unknown dimensions');
    const inRank = x.shape.length;
    const outRank = out.shape.length;
    const spatialOnes = (s: readonly (number | null)[]) => s.length === 4 && s[1] === 1 && s[2] === 1;
    // [N, C] ↔ [N, 1, 1, C]: NHWC and NCHW agree when H = W = 1, so no transposes are needed.
    // Squeeze-and-excitation pattern: global pool → flatten → reshape to [1, 1, C] is just the pooled value.
    const pooled = this.pooled4d.get(x.name);
    if (pooled !== undefined && spatialOnes(out.shape)) return pooled;
    if ((inRank === 2 && spatialOnes(out.shape)) || (spatialOnes(x.shape) && outRank === 2)) {
      const dims = outRank === 4 ? [0, target[2] as number, 1, 1] : [0, target[0] as number];
      return this.b.node('Reshape', [x.name, this.b.int64Tensor(`${name}.shape`, dims)], name);
    }
    const source = inRank === 4 ? this.b.node('Transpose', [x.name], `${name}.nhwc`, { perm: [0, 2, 3, 1] }) : x.name;
    const shaped = this.b.node('Reshape', [source, this.b.int64Tensor(`${name}.shape`, [0, ...(target as number[])])], outRank === 4 ? `${name}.reshaped` : name);
    return outRank === 4 ? this.b.node('Transpose', [shaped], name, { perm: [0, 3, 1, 2] }) : shaped;
  }

  private activation(call: LayerCall, identifier: unknown, x: Value, outName: string): string {
    const kind = activationName(identifier);
    const rank = x.shape.length;
    switch (kind) {
      case 'linear':
        return this.b.node('Identity', [x.name], outName);
      case 'relu':
        return this.b.node('Relu', [x.name], outName);
      case 'relu6':
        return this.b.node('Clip', [x.name, this.b.floatScalar(`${outName}.min`, 0), this.b.floatScalar(`${outName}.max`, 6)], outName);
      case 'sigmoid':
        return this.b.node('Sigmoid', [x.name], outName);
      case 'tanh':
        return this.b.node('Tanh', [x.name], outName);
      case 'swish': {
        // x · sigmoid(x): the form the issue asks for and every ONNX runtime fuses or runs directly.
        const s = this.b.node('Sigmoid', [x.name], `${outName}.sigmoid`);
        return this.b.node('Mul', [x.name, s], outName);
      }
      case 'softmax':
        return this.b.node('Softmax', [x.name], outName, { axis: rank === 4 ? 1 : rank - 1 });
      case 'elu':
        return this.b.node('Elu', [x.name], outName, { alpha: { float: 1 } });
      case 'selu':
        return this.b.node('Selu', [x.name], outName);
      case 'softplus':
        return this.b.node('Softplus', [x.name], outName);
      case 'softsign':
        return this.b.node('Softsign', [x.name], outName);
      case 'hardsigmoid':
        return this.b.node('HardSigmoid', [x.name], outName, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
      default:
        return this.unsupported(call, `activation ${String(identifier)}`);
    }
  }
}

const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1] as const;

function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function isLastAxis(axis: unknown, rank: number): boolean {
  const a = Array.isArray(axis) ? (axis.length === 1 ? Number(axis[0]) : NaN) : Number(axis ?? -1);
  return normaliseAxis(a, rank) === rank - 1;
}

/** Normalises tfjs activation identifiers ('hardSigmoid', 'hard_sigmoid', undefined → 'linear'). */
function activationName(identifier: unknown): string {
  if (identifier === undefined || identifier === null) return 'linear';
  const text = typeof identifier === 'string'
    ? identifier
    : String((identifier as { className?: string; getClassName?: () => string }).className ?? identifier);
  return text.replace(/_/g, '').toLowerCase();
}

function batchNormParams(layer: Tf.layers.Layer, cfg: Tf.serialization.ConfigDict): BatchNormParams {
  const read = (suffix: string) => {
    const v = layerWeight(layer, suffix);
    return v === undefined ? undefined : (v.read().dataSync() as Float32Array);
  };
  const mean = read('moving_mean');
  const variance = read('moving_variance');
  if (mean === undefined || variance === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `Batch norm layer ${layer.name} has no moving statistics`, { field: `layers.${layer.name}` });
  }
  const gamma = read('gamma') ?? new Float32Array(mean.length).fill(1);
  const beta = read('beta') ?? new Float32Array(mean.length);
  const epsilon = Number(cfg.epsilon ?? 1e-3);
  const scale = new Float64Array(mean.length);
  const shift = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = gamma[c]! / Math.sqrt(variance[c]! + epsilon);
    shift[c] = beta[c]! - mean[c]! * scale[c]!;
  }
  return { scale, shift, gamma, beta, mean, variance, epsilon };
}
