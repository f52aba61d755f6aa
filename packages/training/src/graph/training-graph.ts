import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import {
  HARD_SWISH_CLASS,
  ONNX_DATA_TYPE,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  OnnxGraphBuilder,
  PRODUCER_NAME,
  PRODUCER_VERSION,
  STOCHASTIC_DEPTH_CLASS,
  layerGraph,
  layerWeight,
  modelProtoType,
  samePads,
  type LayerCall,
  type LayerGraph,
  type TensorRef,
} from '@noise-classifier/models';
import type * as Tf from '@tensorflow/tfjs';
import { denseConvKernelGradient, depthwiseKernelGradient, type ConvGeometry, type GradientEmitter, type KernelGradientStrategy, type Pair } from './kernel-gradients';

/** Graph input/output names of a training graph (besides weights, masks and gradients). */
export const TRAINING_GRAPH_IO = { x: 'x', y: 'y', w: 'w', loss: 'loss', logits: 'logits' } as const;

export interface TrainingGraphOptions {
  /**
   * tfjs names (`originalName`, e.g. `conv1/kernel`) of the weights whose gradients are wanted; default: the
   * model's trainable weights. Other weights are still inputs (their current values), but get no gradient.
   */
  readonly trainable?: readonly string[];
  /**
   * How kernel gradients are formed (benchmarked in pipelines' train-step bench; defaults are the fastest there):
   * `conv`: 'im2col' (strided windows by Slice + Concat, then one batched MatMul) or 'transposed-conv' (a
   * convolution over transposed operands); `depthwise`: 'grouped-conv' (the same trick with one group per channel)
   * or 'taps' (Slice · Mul · ReduceSum per kernel tap).
   */
  readonly filterGradient?: Partial<KernelGradientStrategy>;
  /**
   * Batch norms whose γ and β both stay fixed (not in `trainable`) normalise with their moving statistics, as at
   * inference, and report no batch statistics (so an engine leaves them unchanged) — what fine-tuning a pretrained
   * backbone with small batches usually wants (Keras does this for frozen layers). Default false: every batch norm
   * uses batch statistics, as tfjs's training mode does.
   */
  readonly frozenBatchNorm?: boolean;
}

export interface TrainingGraphWeight {
  /** tfjs `originalName`; also the graph input's name. */
  readonly name: string;
  /** tfjs layout (e.g. conv kernels [kh, kw, in, out]). */
  readonly shape: readonly number[];
  /** Output holding d loss / d weight in the same layout, when the weight trains. */
  readonly gradient?: string;
}

export interface TrainingGraphMask {
  /** Graph input name (`mask:<layer>`). */
  readonly input: string;
  readonly layer: string;
  readonly kind: 'dropout' | 'stochastic_depth';
  readonly rate: number;
  /** Mask shape without the batch dimension, in the graph's (NCHW) layout. Values: 0 or 1/(1 − rate). */
  readonly sampleShape: readonly number[];
}

export interface TrainingGraphBatchNorm {
  readonly layer: string;
  /** Outputs with the batch mean and the biased batch variance ([C]), as tfjs training mode computes them. */
  readonly meanOutput: string;
  readonly varianceOutput: string;
}

export interface TrainingGraph {
  /** ONNX model bytes (opset 17). */
  readonly bytes: Uint8Array;
  /** Model input as [C, H, W]; the graph input `x` is NCHW [N, C, H, W] with a dynamic N. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Every weight the graph reads, in the order of `model.weights`. */
  readonly weights: readonly TrainingGraphWeight[];
  readonly masks: readonly TrainingGraphMask[];
  readonly batchNorms: readonly TrainingGraphBatchNorm[];
}

/** A value in the graph: ONNX name and ONNX-layout shape (rank-4 is NCHW; batch dimension null). */
interface Value {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

const pair = (v: unknown): Pair => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);

const SUPPORTED = 'Conv2D, DepthwiseConv2D, Dense, BatchNormalization, Activation (linear, relu, sigmoid, swish, hardSigmoid), hard swish, ReLU, MaxPooling2D, GlobalAveragePooling2D, Flatten, Reshape, Multiply, Add, ZeroPadding2D, Dropout, stochastic depth';

/**
 * Builds ONE ONNX graph that runs a tfjs LayersModel forward in training mode (batch statistics, dropout and
 * stochastic-depth masks given as inputs), the softmax cross-entropy loss Σ w·CE(y, logits), and its backward pass
 * written out op by op (reverse-mode differentiation done here, at construction time). Inputs: `x` [N,C,H,W],
 * soft targets `y` [N,K], loss weights `w` [N], every weight by its tfjs name, masks. Outputs: `loss`, `logits`,
 * `grad:<weight>` for trainable weights (tfjs layout), `bn_mean:<layer>` / `bn_var:<layer>` per batch norm.
 * Unsupported layers are E_MODEL_FORMAT naming the layer.
 */
export function buildTrainingGraph(model: Tf.LayersModel, options: TrainingGraphOptions = {}): TrainingGraph {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'buildTrainingGraph needs a tfjs LayersModel', {
      field: 'model', expected: 'a tf.LayersModel', received: describeValue(model),
    });
  }
  const graph = layerGraph(model);
  const inShape = graph.input.shape;
  const outShape = graph.output.shape;
  if (inShape.length !== 4 || inShape.slice(1).some((d) => typeof d !== 'number')) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'A training graph needs a model with a fixed-size image input', {
      field: 'model.inputs[0].shape', expected: '[null, height, width, channels]', received: JSON.stringify(inShape),
    });
  }
  if (outShape.length !== 2 || typeof outShape[1] !== 'number') {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'A training graph needs a model whose output is [batch, classes] logits', {
      field: 'model.outputs[0].shape', expected: '[null, numClasses]', received: JSON.stringify(outShape),
    });
  }
  const trainable = new Set(options.trainable ?? model.trainableWeights.map((w) => w.originalName));
  const emitter = new TrainingEmitter(graph, trainable, {
    conv: options.filterGradient?.conv ?? 'im2col',
    depthwise: options.filterGradient?.depthwise ?? 'grouped-conv',
  }, options.frozenBatchNorm === true);
  emitter.emit();
  const [, h, w, c] = inShape as [null, number, number, number];
  const k = outShape[1];
  const bytes = emitter.encode([c, h, w], k, model.name);
  const used = emitter.usedWeights;
  const weights = model.weights
    .filter((v) => used.has(v.originalName))
    .map((v): TrainingGraphWeight => {
      const g = emitter.gradientOutputs.get(v.originalName);
      return { name: v.originalName, shape: v.shape as number[], ...(g ? { gradient: g } : {}) };
    });
  return { bytes, inputShape: [c, h, w], numClasses: k, weights, masks: emitter.masks, batchNorms: emitter.batchNorms };
}

interface BackwardStep {
  readonly call: LayerCall;
  readonly run: (gradOut: string) => void;
}

class TrainingEmitter implements GradientEmitter {
  readonly b = new OnnxGraphBuilder();
  readonly masks: TrainingGraphMask[] = [];
  readonly batchNorms: TrainingGraphBatchNorm[] = [];
  readonly usedWeights = new Set<string>();
  /** Weight name → gradient output name. */
  readonly gradientOutputs = new Map<string, string>();
  private readonly values = new Map<string, Value>();
  /** Tensor key → whether the loss's gradient has to flow into it (some trainable weight lies upstream). */
  private readonly needsGrad = new Map<string, boolean>();
  private readonly grads = new Map<string, string[]>();
  private readonly steps: BackwardStep[] = [];
  private readonly extraOutputs: string[] = [];
  private readonly weightInputs: { name: string; shape: number[] }[] = [];
  private readonly maskInputs: { name: string; shape: (number | null)[] }[] = [];
  private readonly constants = new Map<string, string>();
  /** ReLU layers whose only reader is a max pool: their gradient mask is applied on the pooled gradient instead. */
  private readonly reluMaskedByPool = new Set<string>();

  constructor(
    private readonly graph: LayerGraph,
    private readonly trainable: ReadonlySet<string>,
    private readonly strategy: KernelGradientStrategy,
    private readonly frozenBatchNorm: boolean,
  ) {
    for (const n of Object.values(TRAINING_GRAPH_IO)) this.b.reserve(n);
  }

  emit(): void {
    for (const call of this.graph.calls) this.forward(call);
    const logits = this.value(this.graph.output);
    this.b.nodes.push({ input: [logits.name], output: [TRAINING_GRAPH_IO.logits], name: TRAINING_GRAPH_IO.logits, opType: 'Identity', attribute: [] });
    this.loss(logits.name);
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      const out = step.call.outputs[0];
      if (out === undefined || !this.needsGrad.get(out.key)) continue;
      const g = this.gradOf(out.key);
      if (g !== undefined) step.run(g);
    }
  }

  encode(inputShape: [number, number, number], numClasses: number, name: string): Uint8Array {
    const outputs = [TRAINING_GRAPH_IO.loss, TRAINING_GRAPH_IO.logits, ...this.extraOutputs];
    pruneUnused(this.b, outputs);
    const info = (n: string, dims: readonly (number | null)[] | null) => ({
      name: n,
      type: {
        tensorType: {
          elemType: ONNX_DATA_TYPE.FLOAT,
          ...(dims === null ? {} : { shape: { dim: dims.map((d) => (d === null ? { dimParam: 'batch' } : { dimValue: d })) } }),
        },
      },
    });
    const message = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: PRODUCER_NAME,
      producerVersion: PRODUCER_VERSION,
      docString: 'training graph: forward in training mode, softmax cross-entropy and its gradients',
      graph: {
        name: `${name}_training`,
        node: this.b.nodes,
        initializer: this.b.initializers,
        input: [
          info(TRAINING_GRAPH_IO.x, [null, ...inputShape]),
          info(TRAINING_GRAPH_IO.y, [null, numClasses]),
          info(TRAINING_GRAPH_IO.w, [null]),
          ...this.weightInputs.map((w) => info(w.name, w.shape)),
          ...this.maskInputs.map((m) => info(m.name, m.shape)),
        ],
        output: [info(TRAINING_GRAPH_IO.loss, []), info(TRAINING_GRAPH_IO.logits, [null, numClasses]), ...this.extraOutputs.map((o) => info(o, null))],
      },
    };
    const type = modelProtoType();
    return type.encode(type.fromObject(message)).finish();
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------------

  private value(ref: TensorRef): Value {
    const v = this.values.get(ref.key);
    if (v === undefined) throw new Error(`internal: tensor ${ref.key} used before it was produced`);
    return v;
  }

  private set(ref: TensorRef, name: string, needs: boolean): void {
    this.values.set(ref.key, { name, shape: onnxShape(ref.shape) });
    this.needsGrad.set(ref.key, needs);
  }

  private addGrad(ref: TensorRef, name: string): void {
    if (!this.needsGrad.get(ref.key)) return;
    const list = this.grads.get(ref.key) ?? [];
    list.push(name);
    this.grads.set(ref.key, list);
  }

  private gradOf(key: string): string | undefined {
    const list = this.grads.get(key);
    if (list === undefined || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    return this.b.node('Sum', list, `${key}.grad_sum`);
  }

  ints(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.b.int64Tensor(`const_i64_${values.join('_').replace(/-/g, 'm')}`, values);
      this.constants.set(key, name);
    }
    return name;
  }

  private scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.b.floatScalar('const_f32', value);
      this.constants.set(key, name);
    }
    return name;
  }

  private weightInput(call: LayerCall, suffix: string): { name: string; shape: number[]; trains: boolean } {
    const v = layerWeight(call.layer, suffix);
    if (v === undefined) this.unsupported(call, `weight ${suffix} not found`);
    const name = v.originalName;
    if (!this.usedWeights.has(name)) {
      this.usedWeights.add(name);
      this.b.reserve(name);
      this.weightInputs.push({ name, shape: v.shape as number[] });
    }
    return { name, shape: v.shape as number[], trains: this.trainable.has(name) };
  }

  private gradientOutput(weight: string, value: string): void {
    const out = `grad:${weight}`;
    this.b.reserve(out);
    this.b.nodes.push({ input: [value], output: [out], name: out, opType: 'Identity', attribute: [] });
    this.gradientOutputs.set(weight, out);
    this.extraOutputs.push(out);
  }

  private unsupported(call: LayerCall, why: string): never {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `Cannot build a training graph for layer ${call.layer.name} of class ${call.className}: ${why}`, {
      field: `layers.${call.layer.name}`,
      expected: SUPPORTED,
      received: call.className,
    });
  }

  // ---- forward + backward per layer ---------------------------------------------------------------------------

  private forward(call: LayerCall): void {
    const cfg = call.layer.getConfig();
    const name = call.layer.name;
    const out = call.outputs[0]!;
    if (call.className === 'InputLayer') {
      this.set(out, TRAINING_GRAPH_IO.x, false);
      return;
    }
    if (call.outputs.length !== 1) this.unsupported(call, 'layers with several outputs are not supported');
    const inputs = call.inputs.map((r) => this.value(r));
    const x = inputs[0]!;
    const needsIn = call.inputs.some((r) => this.needsGrad.get(r.key));
    const back = (run: (g: string) => void): void => void this.steps.push({ call, run });

    switch (call.className) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.conv(call, x, cfg, needsIn);
      case 'Dense':
        return this.dense(call, x, cfg, needsIn);
      case 'BatchNormalization':
        return this.batchNorm(call, x, cfg, needsIn);
      case 'Activation': {
        const y = this.activation(call, cfg.activation, x, name, (g) => this.addGrad(call.inputs[0]!, g));
        return this.set(out, y, needsIn);
      }
      case HARD_SWISH_CLASS: {
        const y = this.activation(call, 'hardswish', x, name, (g) => this.addGrad(call.inputs[0]!, g));
        return this.set(out, y, needsIn);
      }
      case 'ReLU': {
        if (cfg.maxValue !== null && cfg.maxValue !== undefined) this.unsupported(call, 'ReLU with maxValue');
        const y = this.activation(call, 'relu', x, name, (g) => this.addGrad(call.inputs[0]!, g));
        return this.set(out, y, needsIn);
      }
      case 'Dropout':
      case STOCHASTIC_DEPTH_CLASS: {
        const rate = Number(cfg.rate ?? 0);
        if (cfg.noiseShape !== null && cfg.noiseShape !== undefined) this.unsupported(call, 'dropout with a noiseShape');
        if (!(rate > 0)) {
          this.set(out, x.name, needsIn);
          return back((g) => this.addGrad(call.inputs[0]!, g));
        }
        const sampleShape = call.className === 'Dropout' ? (x.shape.slice(1) as number[]) : x.shape.slice(1).map(() => 1);
        const input = `mask:${name}`;
        this.b.reserve(input);
        this.maskInputs.push({ name: input, shape: [null, ...sampleShape] });
        this.masks.push({ input, layer: name, kind: call.className === 'Dropout' ? 'dropout' : 'stochastic_depth', rate, sampleShape });
        this.set(out, this.b.node('Mul', [x.name, input], name), needsIn);
        return back((g) => this.addGrad(call.inputs[0]!, this.b.node('Mul', [g, input], `${name}.grad`)));
      }
      case 'MaxPooling2D': {
        const kernel = pair(cfg.poolSize);
        const strides = pair(cfg.strides ?? cfg.poolSize);
        if (strides[0] < kernel[0] || strides[1] < kernel[1]) this.unsupported(call, 'overlapping max pooling (stride < pool size)');
        const pads = this.pads(call, x, kernel, strides, [1, 1], cfg.padding);
        const y = this.b.uniqueName(name);
        const indices = this.b.uniqueName(`${name}.indices`);
        this.b.nodes.push({
          input: [x.name], output: [y, indices], name: y, opType: 'MaxPool',
          attribute: [
            { name: 'kernel_shape', type: 7, ints: kernel }, { name: 'strides', type: 7, ints: strides }, { name: 'pads', type: 7, ints: pads },
          ],
        });
        this.set(out, y, needsIn);
        // max(relu(x)) = relu(max(x)) and the arg-max of a window holding a positive value is positive, so a ReLU
        // read only by this pool can take its gradient mask here, on a tensor a quarter of the size.
        const producer = this.graph.producer.get(call.inputs[0]!.key);
        const maskHere = producer !== undefined && this.graph.consumers.get(call.inputs[0]!.key) === 1 && isPlainRelu(producer);
        if (maskHere) this.reluMaskedByPool.add(producer.layer.name);
        // Non-overlapping windows: each input pixel feeds at most one output, so unpooling by the arg-max
        // indices places every gradient exactly where tfjs's max-pool gradient puts it.
        return back((g) => {
          const shape = this.b.node('Shape', [x.name], `${name}.in_shape`);
          const source = maskHere ? this.b.node('Where', [this.b.node('Greater', [y, this.scalar(0)], `${name}.active`), g, this.scalar(0)], `${name}.relu_grad`) : g;
          this.addGrad(call.inputs[0]!, this.b.node('MaxUnpool', [source, indices, shape], `${name}.grad`, { kernel_shape: kernel, strides, pads }));
        });
      }
      case 'GlobalAveragePooling2D': {
        if (x.shape.length !== 4) this.unsupported(call, 'input must be rank 4');
        const pooled = this.b.node('GlobalAveragePool', [x.name], `${name}.pool`);
        const y = out.shape.length === 4 ? pooled : this.b.node('Reshape', [pooled, this.ints([0, x.shape[1] as number])], name);
        this.set(out, y, needsIn);
        return back((g) => {
          const [, c, h, w] = x.shape as [null, number, number, number];
          const g4 = out.shape.length === 4 ? g : this.b.node('Reshape', [g, this.ints([0, c, 1, 1])], `${name}.grad4`);
          const scaled = this.b.node('Mul', [g4, this.scalar(1 / (h * w))], `${name}.grad_scaled`);
          this.addGrad(call.inputs[0]!, this.b.node('Expand', [scaled, this.b.node('Shape', [x.name], `${name}.in_shape`)], `${name}.grad`));
        });
      }
      case 'Flatten':
      case 'Reshape': {
        const target = onnxShape(out.shape);
        const spatialOnes = (s: readonly (number | null)[]) => s.length === 4 && s[2] === 1 && s[3] === 1;
        const ok = x.shape.length === target.length
          || (x.shape.length === 2 && spatialOnes(target))
          || (spatialOnes(x.shape) && target.length === 2);
        // [N, C] ↔ [N, 1, 1, C] (NCHW [N, C, 1, 1]) is the same memory in both layouts; other reshapes would need
        // NHWC transposes, which none of our architectures use.
        if (!ok) this.unsupported(call, `reshape from ${JSON.stringify(x.shape)} to ${JSON.stringify(target)}`);
        const y = x.shape.length === target.length
          ? x.name
          : this.b.node('Reshape', [x.name, this.ints([0, ...(target.slice(1) as number[])])], name);
        this.set(out, y, needsIn);
        return back((g) => this.addGrad(call.inputs[0]!, x.shape.length === target.length
          ? g
          : this.b.node('Reshape', [g, this.ints([0, ...(x.shape.slice(1) as number[])])], `${name}.grad`)));
      }
      case 'Add':
      case 'Multiply': {
        if (inputs.length !== 2) this.unsupported(call, 'only two inputs are supported');
        if (inputs.some((v) => v.shape.length !== out.shape.length)) this.unsupported(call, 'inputs of different ranks');
        const outS = onnxShape(out.shape);
        const [a, bv] = inputs as [Value, Value];
        this.set(out, this.b.node(call.className === 'Add' ? 'Add' : 'Mul', [a.name, bv.name], name), needsIn);
        return back((g) => {
          call.inputs.forEach((ref, i) => {
            if (!this.needsGrad.get(ref.key)) return;
            const self = inputs[i]!;
            const other = inputs[1 - i]!;
            const full = call.className === 'Add' ? g : this.b.node('Mul', [g, other.name], `${name}.grad${i}_full`);
            // Broadcast inputs (the squeeze-and-excitation scale [N, C, 1, 1]) sum the gradient over broadcast axes.
            const axes = self.shape.map((d, k) => (d === 1 && outS[k] !== 1 ? k : -1)).filter((k) => k >= 0);
            this.addGrad(ref, axes.length === 0 ? full : this.b.node('ReduceSum', [full, this.ints(axes)], `${name}.grad${i}`, { keepdims: 1 }));
          });
        });
      }
      case 'ZeroPadding2D': {
        const p = cfg.padding as unknown;
        const [[top, bottom], [left, right]] = Array.isArray(p) && Array.isArray(p[0])
          ? (p as [Pair, Pair])
          : [pair(p), pair(Array.isArray(p) ? p[1] : p)];
        const y = this.b.node('Pad', [x.name, this.ints([0, 0, top, left, 0, 0, bottom, right])], name, { mode: 'constant' });
        this.set(out, y, needsIn);
        return back((g) => {
          const [, , h, w] = x.shape as [null, number, number, number];
          this.addGrad(call.inputs[0]!, this.b.node('Slice', [g, this.ints([top, left]), this.ints([top + h, left + w]), this.ints([2, 3])], `${name}.grad`));
        });
      }
      default:
        return this.unsupported(call, 'no training-graph translation for this layer class');
    }
  }

  private pads(call: LayerCall, x: Value, kernel: Pair, strides: Pair, dilations: Pair, padding: unknown): [number, number, number, number] {
    if (padding === 'valid') return [0, 0, 0, 0];
    if (padding !== 'same') this.unsupported(call, `padding ${String(padding)}`);
    const [, , h, w] = x.shape as [null, number, number, number];
    const [top, bottom] = samePads(h, kernel[0], strides[0], dilations[0]);
    const [left, right] = samePads(w, kernel[1], strides[1], dilations[1]);
    return [top, left, bottom, right];
  }

  private conv(call: LayerCall, x: Value, cfg: Tf.serialization.ConfigDict, needsIn: boolean): void {
    const name = call.layer.name;
    const out = call.outputs[0]!;
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== null && cfg.dataFormat !== 'channelsLast') this.unsupported(call, 'channelsFirst data');
    if (x.shape.length !== 4) this.unsupported(call, 'convolution input must be rank 4');
    const depthwise = call.className === 'DepthwiseConv2D';
    const kernel = this.weightInput(call, depthwise ? 'depthwise_kernel' : 'kernel');
    const [kh, kw, cin, last] = kernel.shape as [number, number, number, number];
    if (depthwise && last !== 1) this.unsupported(call, 'depth multiplier other than 1');
    const dilations = pair(cfg.dilationRate ?? 1);
    if (dilations[0] !== 1 || dilations[1] !== 1) this.unsupported(call, 'dilated convolution');
    const strides = pair(cfg.strides ?? 1);
    const kshape: Pair = [kh, kw];
    const pads = this.pads(call, x, kshape, strides, dilations, cfg.padding);
    const cout = depthwise ? cin : last;
    // tfjs [kh, kw, in, out] → ONNX OIHW; depthwise [kh, kw, C, 1] → [C, 1, kh, kw] (group = C).
    const weight = this.b.node('Transpose', [kernel.name], `${name}.weight`, { perm: depthwise ? [2, 3, 0, 1] : [3, 2, 0, 1] });
    const bias = cfg.useBias === false ? undefined : this.weightInput(call, 'bias');
    const group = depthwise ? cin : 1;
    const attrs = { kernel_shape: kshape, strides, pads, group };
    const z = this.b.node('Conv', bias ? [x.name, weight, bias.name] : [x.name, weight], `${name}.conv`, attrs);
    const [, , h, w] = x.shape as [null, number, number, number];
    const [, , ho, wo] = onnxShape(out.shape) as [null, number, number, number];
    const needs = needsIn || kernel.trains || (bias?.trains ?? false);
    const y = this.activation(call, cfg.activation, { name: z, shape: onnxShape(out.shape) }, name, (gz) => {
      if (bias?.trains) this.gradientOutput(bias.name, this.b.node('ReduceSum', [gz, this.ints([0, 2, 3])], `${name}.bias_grad`, { keepdims: 0 }));
      if (kernel.trains) {
        const geometry: ConvGeometry = { name, x, gz, kernel: kshape, strides, pads, outputSize: [ho, wo] };
        const grad = depthwise
          ? depthwiseKernelGradient(this, geometry, cin, this.strategy.depthwise)
          : denseConvKernelGradient(this, geometry, cin, cout, this.strategy.conv);
        this.gradientOutput(kernel.name, grad);
      }
      if (needsIn) {
        // d input = transposed convolution of the output gradient with the same weights; output_padding restores
        // the rows/columns a strided convolution never reached.
        const outputPadding = [
          h - (strides[0] * (ho - 1) + kh - pads[0] - pads[2]),
          w - (strides[1] * (wo - 1) + kw - pads[1] - pads[3]),
        ];
        if (depthwise && strides[0] === 1 && strides[1] === 1) {
          // Stride 1 depthwise: a depthwise convolution of the gradient with the flipped kernel (pads k−1−p) —
          // onnxruntime's grouped ConvTranspose loops per channel, its grouped Conv does not; measured faster.
          const flipped = this.b.node('Slice', [weight, this.ints([kh - 1, kw - 1]), this.ints([-kh - 1, -kw - 1]), this.ints([2, 3]), this.ints([-1, -1])], `${name}.weight_flipped`);
          const backPads = [kh - 1 - pads[0], kw - 1 - pads[1], kh - 1 - pads[2], kw - 1 - pads[3]];
          this.addGrad(call.inputs[0]!, this.b.node('Conv', [gz, flipped], `${name}.grad`, { kernel_shape: kshape, strides, pads: backPads, group }));
        } else {
          this.addGrad(call.inputs[0]!, this.b.node('ConvTranspose', [gz, weight], `${name}.grad`, { ...attrs, output_padding: outputPadding }));
        }
      }
    });
    this.set(out, y, needs);
  }

  private dense(call: LayerCall, x: Value, cfg: Tf.serialization.ConfigDict, needsIn: boolean): void {
    const name = call.layer.name;
    const out = call.outputs[0]!;
    if (x.shape.length !== 2) this.unsupported(call, `dense layers on rank-${x.shape.length} input`);
    const kernel = this.weightInput(call, 'kernel');
    const bias = cfg.useBias === false ? undefined : this.weightInput(call, 'bias');
    const z = bias
      ? this.b.node('Gemm', [x.name, kernel.name, bias.name], `${name}.linear`)
      : this.b.node('MatMul', [x.name, kernel.name], `${name}.linear`);
    const needs = needsIn || kernel.trains || (bias?.trains ?? false);
    const y = this.activation(call, cfg.activation, { name: z, shape: onnxShape(out.shape) }, name, (gz) => {
      if (kernel.trains) this.gradientOutput(kernel.name, this.b.node('Gemm', [x.name, gz], `${name}.kernel_grad`, { transA: 1 }));
      if (bias?.trains) this.gradientOutput(bias.name, this.b.node('ReduceSum', [gz, this.ints([0])], `${name}.bias_grad`, { keepdims: 0 }));
      if (needsIn) this.addGrad(call.inputs[0]!, this.b.node('Gemm', [gz, kernel.name], `${name}.grad`, { transB: 1 }));
    });
    this.set(out, y, needs);
  }

  private batchNorm(call: LayerCall, x: Value, cfg: Tf.serialization.ConfigDict, needsIn: boolean): void {
    const name = call.layer.name;
    const out = call.outputs[0]!;
    const rank = x.shape.length;
    const axis = Number(Array.isArray(cfg.axis) ? (cfg.axis.length === 1 ? cfg.axis[0] : NaN) : (cfg.axis ?? -1));
    if (!(axis === -1 || axis === rank - 1)) this.unsupported(call, `batch normalisation over axis ${String(cfg.axis)}`);
    if (rank !== 4 && rank !== 2) this.unsupported(call, `rank-${rank} input`);
    const c = x.shape[1] as number;
    const axes = rank === 4 ? [0, 2, 3] : [0];
    const bshape = rank === 4 ? [1, c, 1, 1] : [1, c];
    const eps = Number(cfg.epsilon ?? 1e-3);
    const gamma = cfg.scale === false ? undefined : this.weightInput(call, 'gamma');
    const beta = cfg.center === false ? undefined : this.weightInput(call, 'beta');
    if (this.frozenBatchNorm && !(gamma?.trains ?? false) && !(beta?.trains ?? false)) return this.frozenBatchNormLayer(call, x, eps, bshape, gamma, beta, needsIn);
    // Batch statistics over N, H, W with the biased variance (tfjs's moments), then x̂·γ + β as x_c·a + β.
    const mean = this.b.node('ReduceMean', [x.name], `${name}.mean`, { axes, keepdims: 1 });
    const xc = this.b.node('Sub', [x.name, mean], `${name}.centred`);
    const variance = this.b.node('ReduceMean', [this.b.node('Mul', [xc, xc], `${name}.sq`)], `${name}.var`, { axes, keepdims: 1 });
    const rstd = this.b.node('Reciprocal', [this.b.node('Sqrt', [this.b.node('Add', [variance, this.scalar(eps)], `${name}.var_eps`)], `${name}.std`)], `${name}.rstd`);
    const g4 = gamma ? this.b.node('Reshape', [gamma.name, this.ints(bshape)], `${name}.gamma_b`) : undefined;
    const a = g4 ? this.b.node('Mul', [g4, rstd], `${name}.scale`) : rstd;
    let y = this.b.node('Mul', [xc, a], `${name}.scaled`);
    if (beta) y = this.b.node('Add', [y, this.b.node('Reshape', [beta.name, this.ints(bshape)], `${name}.beta_b`)], name);
    for (const [stat, kind] of [[mean, 'bn_mean'], [variance, 'bn_var']] as const) {
      const outName = `${kind}:${name}`;
      this.b.reserve(outName);
      this.b.nodes.push({ input: [stat, this.ints([c])], output: [outName], name: outName, opType: 'Reshape', attribute: [] });
      this.extraOutputs.push(outName);
    }
    this.batchNorms.push({ layer: name, meanOutput: `bn_mean:${name}`, varianceOutput: `bn_var:${name}` });
    const needs = needsIn || (gamma?.trains ?? false) || (beta?.trains ?? false);
    this.set(out, y, needs);
    this.steps.push({
      call,
      run: (g) => {
        const sumG = this.b.node('ReduceSum', [g, this.ints(axes)], `${name}.sum_g`, { keepdims: 1 });
        const sumGxc = this.b.node('ReduceSum', [this.b.node('Mul', [g, xc], `${name}.g_xc`), this.ints(axes)], `${name}.sum_gxc`, { keepdims: 1 });
        // dγ = Σ g·x̂ = rstd·Σ g·x_c, dβ = Σ g.
        if (beta?.trains) this.gradientOutput(beta.name, this.b.node('Reshape', [sumG, this.ints([c])], `${name}.beta_grad`));
        if (gamma?.trains) this.gradientOutput(gamma.name, this.b.node('Reshape', [this.b.node('Mul', [sumGxc, rstd], `${name}.gamma_grad_b`), this.ints([c])], `${name}.gamma_grad`));
        if (!needsIn) return;
        // dx = a·(g − Σg/M − x_c·rstd²·Σg·x_c/M), M = elements per channel (dynamic: N·H·W).
        const m = this.b.node('Div', [
          this.b.node('Cast', [this.b.node('Size', [x.name], `${name}.size`)], `${name}.size_f`, { to: ONNX_DATA_TYPE.FLOAT }),
          this.scalar(c),
        ], `${name}.count`);
        const negA = this.b.node('Neg', [this.b.node('Div', [a, m], `${name}.a_m`)], `${name}.neg_a_m`);
        const c0 = this.b.node('Mul', [sumG, negA], `${name}.c0`);
        const c1 = this.b.node('Mul', [this.b.node('Mul', [sumGxc, this.b.node('Mul', [rstd, rstd], `${name}.rstd2`)], `${name}.gx_r2`), negA], `${name}.c1`);
        const dx = this.b.node('Add', [
          this.b.node('Add', [this.b.node('Mul', [g, a], `${name}.g_a`), this.b.node('Mul', [xc, c1], `${name}.xc_c1`)], `${name}.dx_part`),
          c0,
        ], `${name}.grad`);
        this.addGrad(call.inputs[0]!, dx);
      },
    });
  }

  /** Inference-mode batch norm: y = x·a + b with a = γ / √(moving variance + ε), b = β − moving mean·a; dx = g·a. */
  private frozenBatchNormLayer(
    call: LayerCall, x: Value, eps: number, bshape: number[],
    gamma: { name: string } | undefined, beta: { name: string } | undefined, needsIn: boolean,
  ): void {
    const name = call.layer.name;
    const mean = this.b.node('Reshape', [this.weightInput(call, 'moving_mean').name, this.ints(bshape)], `${name}.moving_mean_b`);
    const variance = this.b.node('Reshape', [this.weightInput(call, 'moving_variance').name, this.ints(bshape)], `${name}.moving_var_b`);
    const rstd = this.b.node('Reciprocal', [this.b.node('Sqrt', [this.b.node('Add', [variance, this.scalar(eps)], `${name}.var_eps`)], `${name}.std`)], `${name}.rstd`);
    const a = gamma ? this.b.node('Mul', [this.b.node('Reshape', [gamma.name, this.ints(bshape)], `${name}.gamma_b`), rstd], `${name}.scale`) : rstd;
    const shift = this.b.node('Neg', [this.b.node('Mul', [mean, a], `${name}.mean_a`)], `${name}.neg_mean_a`);
    const b = beta ? this.b.node('Add', [this.b.node('Reshape', [beta.name, this.ints(bshape)], `${name}.beta_b`), shift], `${name}.shift`) : shift;
    const y = this.b.node('Add', [this.b.node('Mul', [x.name, a], `${name}.scaled`), b], name);
    this.set(call.outputs[0]!, y, needsIn);
    this.steps.push({ call, run: (g) => this.addGrad(call.inputs[0]!, this.b.node('Mul', [g, a], `${name}.grad`)) });
  }

  /**
   * Emits an activation after `x` and registers the backward step of the whole call: `backwardFromPreactivation`
   * receives d loss / d (activation input).
   */
  private activation(call: LayerCall, identifier: unknown, x: Value, outName: string, backwardFromPreactivation: (g: string) => void): string {
    const kind = activationName(identifier);
    const name = call.layer.name;
    let y: string;
    let grad: (g: string) => string;
    switch (kind) {
      case 'linear':
        y = x.name;
        grad = (g) => g;
        break;
      case 'relu': {
        y = this.b.node('Relu', [x.name], outName);
        grad = (g) => (this.reluMaskedByPool.has(name)
          ? g
          : this.b.node('Where', [this.b.node('Greater', [y, this.scalar(0)], `${name}.active`), g, this.scalar(0)], `${name}.relu_grad`));
        break;
      }
      case 'sigmoid': {
        y = this.b.node('Sigmoid', [x.name], outName);
        grad = (g) => this.b.node('Mul', [g, this.b.node('Mul', [y, this.b.node('Sub', [this.scalar(1), y], `${name}.one_minus_s`)], `${name}.dsig`)], `${name}.sigmoid_grad`);
        break;
      }
      case 'swish': {
        const s = this.b.node('Sigmoid', [x.name], `${outName}.sigmoid`);
        y = this.b.node('Mul', [x.name, s], outName);
        // d(x·σ(x))/dx = σ + x·σ·(1 − σ) = σ + y − y·σ.
        grad = (g) => {
          const d = this.b.node('Sub', [this.b.node('Add', [s, y], `${name}.s_plus_y`), this.b.node('Mul', [y, s], `${name}.y_s`)], `${name}.dswish`);
          return this.b.node('Mul', [g, d], `${name}.swish_grad`);
        };
        break;
      }
      case 'hardswish': {
        // x · relu6(x + 3) / 6 (ONNX HardSwish). Its slope: 0 up to −3, (2x + 3) / 6 = x/3 + 1/2 up to 3, then 1 —
        // the boundaries as tfjs's autodiff of the same formula puts them (slope 0 at −3, 1.5 at 3).
        y = this.b.node('HardSwish', [x.name], outName);
        grad = (g) => {
          const ramp = this.b.node('Add', [this.b.node('Mul', [x.name, this.scalar(1 / 3)], `${name}.x_third`), this.scalar(0.5)], `${name}.ramp`);
          const upper = this.b.node('Where', [this.b.node('Greater', [x.name, this.scalar(3)], `${name}.above`), this.scalar(1), ramp], `${name}.slope_upper`);
          const slope = this.b.node('Where', [this.b.node('LessOrEqual', [x.name, this.scalar(-3)], `${name}.below`), this.scalar(0), upper], `${name}.dhardswish`);
          return this.b.node('Mul', [g, slope], `${name}.hardswish_grad`);
        };
        break;
      }
      case 'hardsigmoid': {
        // tfjs's hardSigmoid: clip(0.2·x + 0.5, 0, 1), slope 0.2 where the clip is not active.
        y = this.b.node('HardSigmoid', [x.name], outName, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
        grad = (g) => {
          const inside = this.b.node('And', [this.b.node('Greater', [y, this.scalar(0)], `${name}.above_0`), this.b.node('Less', [y, this.scalar(1)], `${name}.below_1`)], `${name}.unclipped`);
          return this.b.node('Mul', [g, this.b.node('Where', [inside, this.scalar(0.2), this.scalar(0)], `${name}.dhardsigmoid`)], `${name}.hardsigmoid_grad`);
        };
        break;
      }
      default:
        return this.unsupported(call, `activation ${String(identifier)}`);
    }
    this.steps.push({ call, run: (g) => backwardFromPreactivation(grad(g)) });
    return y;
  }

  /** Σ_b w_b · CE(y_b, softmax(z_b)) and its gradient w.r.t. the logits, w_b·(softmax(z_b)·Σy_b − y_b). */
  private loss(logits: string): void {
    const { y, w } = TRAINING_GRAPH_IO;
    const logp = this.b.node('LogSoftmax', [logits], 'log_probabilities', { axis: 1 });
    const ce = this.b.node('Neg', [this.b.node('ReduceSum', [this.b.node('Mul', [y, logp], 'y_logp'), this.ints([1])], 'sum_y_logp', { keepdims: 0 })], 'cross_entropy');
    this.b.nodes.push({ input: [this.b.node('Mul', [ce, w], 'weighted_ce'), this.ints([0])], output: [TRAINING_GRAPH_IO.loss], name: TRAINING_GRAPH_IO.loss, opType: 'ReduceSum', attribute: [{ name: 'keepdims', type: 2, i: 0 }] });
    const p = this.b.node('Exp', [logp], 'probabilities');
    const sy = this.b.node('ReduceSum', [y, this.ints([1])], 'sum_y', { keepdims: 1 });
    const diff = this.b.node('Sub', [this.b.node('Mul', [p, sy], 'p_sum_y'), y], 'p_minus_y');
    const wcol = this.b.node('Unsqueeze', [w, this.ints([1])], 'w_column');
    const g = this.b.node('Mul', [diff, wcol], 'logits_grad');
    this.grads.set(this.graph.output.key, [g]);
  }
}

/** tfjs NHWC shape → ONNX NCHW (ranks other than 4 unchanged). */
function onnxShape(shape: readonly (number | null)[]): (number | null)[] {
  return shape.length === 4 ? [shape[0]!, shape[3]!, shape[1]!, shape[2]!] : [...shape];
}

function isPlainRelu(call: LayerCall): boolean {
  const cfg = call.layer.getConfig();
  if (call.className === 'ReLU') return cfg.maxValue === null || cfg.maxValue === undefined;
  return call.className === 'Activation' && activationName(cfg.activation) === 'relu';
}

function activationName(identifier: unknown): string {
  if (identifier === undefined || identifier === null) return 'linear';
  const text = typeof identifier === 'string'
    ? identifier
    : String((identifier as { className?: string }).className ?? identifier);
  return text.replace(/_/g, '').toLowerCase();
}

/** Drops nodes no output depends on and initialisers nobody reads. */
function pruneUnused(builder: OnnxGraphBuilder, outputs: readonly string[]): void {
  const needed = new Set(outputs);
  const kept: typeof builder.nodes = [];
  for (let i = builder.nodes.length - 1; i >= 0; i--) {
    const n = builder.nodes[i]!;
    if (!n.output.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const inp of n.input) needed.add(inp);
  }
  builder.nodes.splice(0, builder.nodes.length, ...kept.reverse());
  const used = builder.initializers.filter((t) => needed.has(t.name));
  builder.initializers.splice(0, builder.initializers.length, ...used);
}
