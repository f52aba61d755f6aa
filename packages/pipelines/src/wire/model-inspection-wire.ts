import { toSnakeCaseKeys } from '@noise-classifier/config';
import type { OnnxModelInfo, OnnxTensorInfo } from '@noise-classifier/models';

/** ONNX TensorProto.DataType numbers we may meet, by name. */
const ONNX_ELEM_TYPES: Readonly<Record<number, string>> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

/** The name of an ONNX element type number (1 → float32); undefined for types no model of ours uses. */
export function onnxElemTypeName(elemType: number): string | undefined {
  return ONNX_ELEM_TYPES[elemType];
}

/** What `inspect` reads from a model file. */
export interface ModelInspection {
  readonly file: string;
  readonly sizeBytes: number;
  readonly info: OnnxModelInfo;
}

export interface WireTensorInfo {
  name: string;
  elem_type: string;
  shape: OnnxTensorInfo['shape'];
}

/** `inspect --json`. The model metadata's own keys (labels, created_at…) are carried over in snake_case, one level deep. */
export interface WireModelInspection {
  file: string;
  size_bytes: number;
  producer_name: string;
  producer_version: string;
  ir_version: number;
  opset: number;
  parameter_count: number;
  inputs: WireTensorInfo[];
  outputs: WireTensorInfo[];
  metadata: Record<string, unknown>;
}

export function toWireModelInspection({ file, sizeBytes, info }: ModelInspection): WireModelInspection {
  const tensor = (t: OnnxTensorInfo): WireTensorInfo => ({ name: t.name, elem_type: onnxElemTypeName(t.elemType) ?? `onnx type ${t.elemType}`, shape: t.shape });
  return {
    file,
    size_bytes: sizeBytes,
    producer_name: info.producerName,
    producer_version: info.producerVersion,
    ir_version: info.irVersion,
    opset: info.opset,
    parameter_count: info.parameterCount,
    inputs: info.inputs.map(tensor),
    outputs: info.outputs.map(tensor),
    metadata: {
      ...toSnakeCaseKeys(info.metadata),
      feature_config: toSnakeCaseKeys(info.metadata.featureConfig),
      model_config: toSnakeCaseKeys(info.metadata.modelConfig),
    },
  };
}
