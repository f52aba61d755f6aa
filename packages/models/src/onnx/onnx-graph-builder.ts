import { NoiseClassifierError } from '@noise-classifier/config';
import { ONNX_ATTRIBUTE_TYPE, ONNX_DATA_TYPE } from './onnx-schema';

/** Plain-object shapes of the ONNX messages we emit (field names as in our protobufjs descriptor). */
export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: OnnxAttribute[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/**
 * Accumulates nodes and initialisers with unique names. Integers become INT/INTS attributes;
 * floats must be wrapped (`{ float }`, `{ floats }`) so that e.g. alpha=1 is not written as an int.
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();
  private floatParameterCount = 0;

  /** Reserves a value name derived from `base` that no other node output or initialiser uses. */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Marks a name as taken (graph inputs/outputs). */
  reserve(name: string): void {
    this.names.add(name);
  }

  node(opType: string, inputs: string[], outputBase: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.uniqueName(outputBase);
    this.nodes.push({ input: inputs, output: [output], name: output, opType, attribute: encodeAttributes(attributes) });
    return output;
  }

  floatTensor(base: string, dims: number[], values: Float32Array): string {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      // A diverged training run must not become a model file that silently outputs NaN.
      throw new NoiseClassifierError('E_MODEL_FORMAT', `Weight ${base} contains a non-finite value; refusing to export`, {
        field: base,
        expected: 'finite float32 weights',
        received: `${values[bad]} at index ${bad}`,
      });
    }
    const name = this.uniqueName(base);
    const copy = new Float32Array(values);
    this.initializers.push({ name, dims, dataType: ONNX_DATA_TYPE.FLOAT, rawData: littleEndianBytes(copy) });
    this.floatParameterCount += copy.length;
    return name;
  }

  int64Tensor(base: string, values: readonly number[]): string {
    const name = this.uniqueName(base);
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_DATA_TYPE.INT64, rawData: littleEndianBytes(data) });
    return name;
  }

  /** Scalar float initialiser (e.g. Clip bounds). */
  floatScalar(base: string, value: number): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [], dataType: ONNX_DATA_TYPE.FLOAT, rawData: littleEndianBytes(new Float32Array([value])) });
    return name;
  }

  get parameterCount(): number {
    return this.floatParameterCount;
  }
}

function encodeAttributes(attributes: Record<string, AttributeValue>): OnnxAttribute[] {
  return Object.entries(attributes).map(([name, value]): OnnxAttribute => {
    if (typeof value === 'number') return { name, type: ONNX_ATTRIBUTE_TYPE.INT, i: value };
    if (typeof value === 'string') return { name, type: ONNX_ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return { name, type: ONNX_ATTRIBUTE_TYPE.INTS, ints: value };
    if ('float' in value) return { name, type: ONNX_ATTRIBUTE_TYPE.FLOAT, f: value.float };
    return { name, type: ONNX_ATTRIBUTE_TYPE.FLOATS, floats: value.floats };
  });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ONNX raw_data is little-endian whatever the host. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!;
  return out;
}
