import { NoiseClassifierError } from '@noise-classifier/config';
import { decodeModelProto, modelProtoType } from './onnx-schema';

/** Plain-object forms of the ONNX messages a graph rewrite touches (field names of our protobufjs descriptor). */
export interface OnnxTensorMessage {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  [field: string]: unknown;
}

export interface OnnxAttributeMessage {
  name?: string;
  type?: number;
  i?: number;
  f?: number;
  ints?: number[];
  [field: string]: unknown;
}

export interface OnnxNodeMessage {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttributeMessage[];
  [field: string]: unknown;
}

export interface OnnxGraphMessage {
  node?: OnnxNodeMessage[];
  initializer?: OnnxTensorMessage[];
  input?: { name?: string; [field: string]: unknown }[];
  output?: { name?: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface OnnxModelMessage {
  graph?: OnnxGraphMessage;
  metadataProps?: { key?: string; value?: string }[];
  opsetImport?: { domain?: string; version?: number }[];
  [field: string]: unknown;
}

/**
 * Decodes ONNX bytes into plain objects that a graph rewrite can edit, and encodes them back. Fields outside our
 * schema subset (onnx-schema.ts) are dropped, which is harmless for models this project writes.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModelMessage {
  const model = decodeModelProto<OnnxModelMessage>(bytes);
  if (!model.graph || (model.graph.node?.length ?? 0) === 0) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The bytes decode as protobuf but not as an ONNX model graph', {
      field: 'bytes',
      expected: 'an ONNX ModelProto with nodes',
      received: `${bytes.byteLength} bytes without a model graph`,
    });
  }
  return model;
}

export function encodeOnnxModel(model: OnnxModelMessage): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model)).finish();
}

/** The float32 values of an initialiser stored as raw_data or float_data; too few for its dims is E_MODEL_FORMAT. */
export function floatInitializerValues(tensor: OnnxTensorMessage): Float32Array {
  const count = (tensor.dims ?? []).reduce((n, d) => n * d, 1);
  const stored = tensor.rawData && tensor.rawData.byteLength > 0 ? tensor.rawData.byteLength / 4 : tensor.floatData?.length ?? 0;
  if (stored < count) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `The initializer ${tensor.name} holds fewer values than its dims`, {
      field: `graph.initializer.${tensor.name}`,
      expected: `${count} float32 values (dims [${(tensor.dims ?? []).join(', ')}])`,
      received: `${stored} values`,
    });
  }
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true); // ONNX raw_data is little-endian
    return out;
  }
  return Float32Array.from(tensor.floatData ?? []);
}
