import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type { ModelMetadata } from '../backend';
import { checkInputAgainstMetadata, metadataFromProps, type MetadataOverrides } from '../metadata';
import { ONNX_DATA_TYPE, decodeModelProto } from './onnx-schema';
import { ONNX_LOGITS_NAME } from './export-onnx';

export interface OnnxTensorInfo {
  readonly name: string;
  /** Dimensions; symbolic ones (e.g. 'batch') as strings, unknown ones as null. */
  readonly shape: readonly (number | string | null)[];
  /** ONNX element type number (1 = float32). */
  readonly elemType: number;
}

export interface OnnxModelInfo {
  readonly metadata: ModelMetadata;
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
  /** Version of the default ('ai.onnx') operator set. */
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  /** Number of float32 weight values stored in initialisers (after batch-norm folding, if the exporter folded). */
  readonly parameterCount: number;
  /** The raw metadata_props map. */
  readonly metadataProps: Readonly<Record<string, string>>;
}

interface DecodedDim { dimValue?: number; dimParam?: string }
interface DecodedValueInfo { name?: string; type?: { tensorType?: { elemType?: number; shape?: { dim?: DecodedDim[] } } } }
interface DecodedTensor { dims?: number[]; dataType?: number; externalData?: unknown[] }
interface DecodedModel {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsetImport?: { domain?: string; version?: number }[];
  graph?: { node?: unknown[]; initializer?: DecodedTensor[]; input?: DecodedValueInfo[]; output?: DecodedValueInfo[] };
  metadataProps?: { key?: string; value?: string }[];
}

/**
 * Reads what a runtime needs from ONNX bytes without running them: validated metadata, input/output shapes,
 * opset and parameter count. Corrupt or truncated bytes and files that are not ONNX models are E_MODEL_FORMAT;
 * labels that do not match the logits size are E_MODEL_MISMATCH. Files without our metadata (from other tools)
 * need `labels` and `featureConfig` in `overrides`.
 */
export function readOnnxModelInfo(bytes: Uint8Array, overrides: MetadataOverrides = {}): OnnxModelInfo {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The ONNX model is empty or not bytes', {
      field: 'bytes',
      expected: 'the non-empty bytes of an .onnx file',
      received: describeValue(bytes),
    });
  }
  const model = decodeModelProto<DecodedModel>(bytes);
  const graph = model.graph;
  if (graph === undefined || model.irVersion === undefined || (graph.node?.length ?? 0) === 0) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The bytes decode as protobuf but not as an ONNX model (no graph, nodes or IR version)', {
      field: 'bytes',
      expected: 'an ONNX ModelProto',
      received: `${bytes.byteLength} bytes without a model graph`,
    });
  }
  const opset = model.opsetImport?.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The ONNX model imports no default operator set', {
      field: 'opset_import',
      expected: "an entry for domain ''",
      received: describeValue(model.opsetImport?.map((o) => o.domain)),
    });
  }
  const initializerNames = new Set((graph.initializer ?? []).map((t) => (t as { name?: string }).name));
  const inputs = (graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(tensorInfo);
  const outputs = (graph.output ?? []).map(tensorInfo);
  const [input] = inputs;
  const [firstOutput] = outputs;
  if (input === undefined || firstOutput === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The ONNX graph declares no inputs or no outputs', {
      field: 'graph',
      expected: 'at least one input and one output',
      received: `${inputs.length} inputs, ${outputs.length} outputs`,
    });
  }
  if (input.shape.length !== 4 || (input.elemType !== 0 && input.elemType !== ONNX_DATA_TYPE.FLOAT)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `The ONNX model's input ${input.name} is not a float32 NCHW spectrogram batch`, {
      field: `graph.input.${input.name}`,
      expected: 'a float32 tensor [batch, channels, height, width]',
      received: `element type ${input.elemType}, shape [${input.shape.join(', ')}]`,
    });
  }
  const logits = outputs.find((o) => o.name === ONNX_LOGITS_NAME) ?? firstOutput;
  const classes = logits.shape[logits.shape.length - 1];
  const channels = input.shape[1];
  const metadataProps: Record<string, string> = {};
  for (const entry of model.metadataProps ?? []) if (entry.key !== undefined) metadataProps[entry.key] = entry.value ?? '';
  const metadata = metadataFromProps(metadataProps, {
    ...overrides,
    source: 'the ONNX model',
    ...(typeof classes === 'number' ? { numOutputs: classes } : {}),
    ...(typeof channels === 'number' ? { inputChannels: channels } : {}),
  });
  checkInputAgainstMetadata(metadata, input.shape.slice(1), 'the ONNX model');
  let parameterCount = 0;
  for (const t of graph.initializer ?? []) {
    if (t.dataType === ONNX_DATA_TYPE.FLOAT) parameterCount += (t.dims ?? []).reduce((n, d) => n * d, 1);
  }
  return {
    metadata,
    inputs,
    outputs,
    opset,
    irVersion: model.irVersion,
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    parameterCount,
    metadataProps,
  };
}


function tensorInfo(v: DecodedValueInfo): OnnxTensorInfo {
  const tensor = v.type?.tensorType;
  return {
    name: v.name ?? '',
    elemType: tensor?.elemType ?? 0,
    shape: (tensor?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? d.dimValue : d.dimParam ?? null)),
  };
}
