import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import { FLOAT16_MAX, float32ToFloat16Bits } from './float16';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatInitializerValues,
  type OnnxModelMessage,
  type OnnxNodeMessage,
  type OnnxTensorMessage,
} from './onnx-model-codec';

/** The weight-only forms `quantizeOnnx` writes (static int8 with calibrated activations: static-quantize-onnx.ts). */
export const ONNX_QUANTIZATIONS = ['int8-weights', 'fp16'] as const;
export type OnnxQuantization = (typeof ONNX_QUANTIZATIONS)[number];

/** metadata_props key that records how a model was quantised (absent on fp32 models). */
export const QUANTIZATION_METADATA_KEY = 'quantization';

export interface QuantizeOnnxOptions {
  /**
   * `int8-weights`: Conv/Gemm/MatMul weights stored as int8 with a float scale per output channel, each followed by
   * `Cast` to float32 and `Mul` by its scales. Activations stay float32 (no calibration needed). onnxruntime's
   * constant folding turns Cast + Mul back into fp32 weights when the session loads, so the model runs at fp32
   * speed from a quarter of the file. (A `DequantizeLinear` in their place is not folded — onnxruntime keeps it for
   * QDQ fusion — and ran 1.6–2× slower than fp32 on onnxruntime-node; see bench/quantized.bench.ts.)
   * `fp16`: every large float initialiser stored as float16, each followed by a `Cast` to float32 (weights-only
   * fp16 storage; compute stays float32, which onnxruntime's CPU and WebAssembly kernels require).
   */
  readonly mode: OnnxQuantization;
  /** int8-weights only: one scale per output channel (default, far more accurate) or one per tensor. */
  readonly perChannel?: boolean;
  /** Initialisers with fewer values stay float32 (biases, small constants); default 256. */
  readonly minElements?: number;
}

export interface QuantizedOnnxModel {
  readonly bytes: Uint8Array;
  readonly mode: OnnxQuantization;
  /** How many initialisers were converted, and how many values they hold. */
  readonly tensors: number;
  readonly values: number;
  /** The `quantization` metadata entry written into the model. */
  readonly description: string;
}

const DATA_TYPE = { FLOAT: 1, INT8: 3, FLOAT16: 10 } as const;
const ATTRIBUTE_INT = 2;
const INT8_LEVEL = 127; // symmetric: [-127, 127], so zero is exact and the range is balanced

/**
 * Rewrites an fp32 ONNX model into a smaller stored form (see `QuantizeOnnxOptions.mode`). The graph's inputs,
 * outputs and metadata stay as they were (plus a `quantization` entry), so every consumer loads it unchanged.
 * A model with nothing to convert is E_MODEL_FORMAT, as is one already quantised.
 */
export function quantizeOnnx(bytes: Uint8Array, options: QuantizeOnnxOptions): QuantizedOnnxModel {
  if (!ONNX_QUANTIZATIONS.includes(options?.mode)) {
    throw new NoiseClassifierError('E_CONFIG', 'Unknown quantisation mode', {
      field: 'mode',
      expected: ONNX_QUANTIZATIONS.map((m) => `'${m}'`).join(' or '),
      received: describeValue(options?.mode),
    });
  }
  const minElements = options.minElements ?? 256;
  if (!Number.isInteger(minElements) || minElements < 1) {
    throw new NoiseClassifierError('E_CONFIG', 'minElements must be a positive integer', { field: 'minElements', expected: 'an integer ≥ 1', received: describeValue(minElements) });
  }
  const model = decodeOnnxModel(bytes);
  const already = model.metadataProps?.find((p) => p.key === QUANTIZATION_METADATA_KEY);
  if (already) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The model is already quantised; quantise its fp32 original instead', {
      field: QUANTIZATION_METADATA_KEY,
      expected: 'an fp32 model',
      received: `a model with quantization "${already.value}"`,
    });
  }
  const perChannel = options.perChannel ?? true;
  const rewrite = options.mode === 'int8-weights' ? int8WeightRewrite(model, perChannel) : fp16Rewrite;
  const graph = model.graph!;
  const prologue: OnnxNodeMessage[] = [];
  const replaced = new Set<string>();
  const initializers: OnnxTensorMessage[] = [];
  let values = 0;
  for (const tensor of graph.initializer ?? []) {
    const size = (tensor.dims ?? []).reduce((n, d) => n * d, 1);
    const result = tensor.dataType === DATA_TYPE.FLOAT && size >= minElements ? rewrite(tensor) : undefined;
    if (!result) {
      initializers.push(tensor);
      continue;
    }
    initializers.push(...result.initializers);
    prologue.push(...result.nodes);
    replaced.add(tensor.name!);
    values += size;
  }
  if (replaced.size === 0) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `Nothing to quantise: no float32 ${options.mode === 'int8-weights' ? 'Conv/Gemm/MatMul weight' : 'initialiser'} with at least ${minElements} values`, {
      field: 'graph.initializer',
      expected: `float32 weights of at least ${minElements} values`,
      received: `${graph.initializer?.length ?? 0} initialisers`,
    });
  }
  graph.initializer = initializers;
  // The conversion nodes come first: their inputs are initialisers, so the node list stays topologically sorted.
  graph.node = [...prologue, ...(graph.node ?? [])];
  // Old-style models also list initialisers as graph inputs; the replaced names are now node outputs.
  graph.input = (graph.input ?? []).filter((i) => !replaced.has(i.name ?? ''));
  const description =
    options.mode === 'int8-weights'
      ? `int8 weights (${perChannel ? 'per-channel' : 'per-tensor'} symmetric; Cast + Mul, folded to float32 at load), float32 compute`
      : 'float16 weights (Cast to float32), float32 compute';
  model.metadataProps = [...(model.metadataProps ?? []), { key: QUANTIZATION_METADATA_KEY, value: description }];
  return { bytes: encodeOnnxModel(model), mode: options.mode, tensors: replaced.size, values, description };
}

type TensorRewrite = (tensor: OnnxTensorMessage) => { initializers: OnnxTensorMessage[]; nodes: OnnxNodeMessage[] } | undefined;

/** Which axis of a weight holds the output channels, for each initialiser used as a Conv/Gemm/MatMul weight. */
function weightAxes(model: OnnxModelMessage): Map<string, number> {
  const axes = new Map<string, number>();
  for (const node of model.graph?.node ?? []) {
    const weight = node.input?.[1];
    if (!weight) continue;
    if (node.opType === 'Conv') axes.set(weight, 0); // [out, in/group, kh, kw]
    else if (node.opType === 'Gemm') axes.set(weight, intAttribute(node, 'transB') === 1 ? 0 : 1); // B or Bᵀ
    else if (node.opType === 'MatMul') axes.set(weight, -1); // [.., K, N]: N is last
  }
  return axes;
}

function int8WeightRewrite(model: OnnxModelMessage, perChannel: boolean): TensorRewrite {
  const axes = weightAxes(model);
  return (tensor) => {
    const name = tensor.name!;
    const dims = tensor.dims ?? [];
    let axis = axes.get(name);
    if (axis === undefined || dims.length === 0) return undefined; // only weights: biases and constants stay float
    if (axis < 0) axis += dims.length;
    const w = floatInitializerValues(tensor);
    const channels = perChannel ? dims[axis] : 1;
    if (channels === undefined) {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `The weight ${name} has no axis ${axis} for its output channels`, {
        field: `graph.initializer.${name}`,
        expected: `at least ${axis + 1} dims`,
        received: `dims [${dims.join(', ')}]`,
      });
    }
    const inner = perChannel ? dims.slice(axis + 1).reduce((n, d) => n * d, 1) : w.length;
    const maxAbs = new Float32Array(channels);
    for (let i = 0; i < w.length; i++) {
      const c = perChannel ? Math.floor(i / inner) % channels : 0;
      maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w[i]!));
    }
    // An all-zero channel keeps scale 1 (its codes are 0 either way); the scale must be positive.
    const scale = Float32Array.from(maxAbs, (m) => (m > 0 ? m / INT8_LEVEL : 1));
    const q = new Int8Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const c = perChannel ? Math.floor(i / inner) % channels : 0;
      q[i] = Math.max(-INT8_LEVEL, Math.min(INT8_LEVEL, Math.round(w[i]! / scale[c]!)));
    }
    // The scales broadcast along the channel axis: shape [C, 1, …] with as many trailing 1s as axes after it.
    const scaleDims = perChannel ? [channels, ...dims.slice(axis + 1).map(() => 1)] : [];
    const quantized = `${name}_int8`;
    const widened = `${name}_int8_as_float`;
    const scaleName = `${name}_scale`;
    return {
      initializers: [
        { name: quantized, dims, dataType: DATA_TYPE.INT8, rawData: new Uint8Array(q.buffer) },
        { name: scaleName, dims: scaleDims, dataType: DATA_TYPE.FLOAT, rawData: littleEndianFloats(scale) },
      ],
      nodes: [
        { input: [quantized], output: [widened], name: `${name}_cast`, opType: 'Cast', attribute: [{ name: 'to', type: ATTRIBUTE_INT, i: DATA_TYPE.FLOAT }] },
        { input: [widened, scaleName], output: [name], name: `${name}_dequantize`, opType: 'Mul', attribute: [] },
      ],
    };
  };
}

const fp16Rewrite: TensorRewrite = (tensor) => {
  const name = tensor.name!;
  const w = floatInitializerValues(tensor);
  if (w.some((v) => !(Math.abs(v) <= FLOAT16_MAX))) return undefined; // out of half range (or NaN): keep float32
  const half = new Uint8Array(w.length * 2);
  const view = new DataView(half.buffer);
  for (let i = 0; i < w.length; i++) view.setUint16(i * 2, float32ToFloat16Bits(w[i]!), true);
  const stored = `${name}_fp16`;
  return {
    initializers: [{ name: stored, dims: tensor.dims ?? [], dataType: DATA_TYPE.FLOAT16, rawData: half }],
    nodes: [{ input: [stored], output: [name], name: `${name}_cast`, opType: 'Cast', attribute: [{ name: 'to', type: ATTRIBUTE_INT, i: DATA_TYPE.FLOAT }] }],
  };
};

function intAttribute(node: OnnxNodeMessage, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i === undefined ? undefined : Number(a.i);
}

function littleEndianFloats(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}
