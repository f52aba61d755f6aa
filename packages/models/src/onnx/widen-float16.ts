import { NoiseClassifierError } from '@noise-classifier/config';
import { float16BitsToFloat32 } from './float16';
import { decodeOnnxModel, encodeOnnxModel, type OnnxTensorMessage } from './onnx-model-codec';
import { QUANTIZATION_METADATA_KEY } from './quantize-onnx';

const DATA_TYPE = { FLOAT: 1, FLOAT16: 10 } as const;

/** Whether `bytes` is a model `quantizeOnnx(…, { mode: 'fp16' })` wrote (float16-stored weights, float32 compute). */
export function isFloat16StoredModel(bytes: Uint8Array): boolean {
  const entry = decodeOnnxModel(bytes).metadataProps?.find((p) => p.key === QUANTIZATION_METADATA_KEY);
  return entry?.value?.startsWith('float16 weights') ?? false;
}

/**
 * The fp32 model behind an fp16-stored one: each float16 initialiser read by a `Cast` to float32 becomes the float32
 * initialiser that Cast produced. Every float16 value is exact in float32, and the stored model computes in float32
 * after that Cast, so the result computes the same function — a valid "fp32 original" to quantise again (int8 from
 * the shipped float16 default model, for instance).
 */
export function widenFloat16Weights(bytes: Uint8Array): Uint8Array {
  if (!isFloat16StoredModel(bytes)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'Only a model stored with float16 weights can be widened to float32', {
      field: QUANTIZATION_METADATA_KEY,
      expected: 'a model written by quantizeOnnx with mode fp16',
      received: 'another model',
    });
  }
  const model = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const halves = new Map((graph.initializer ?? []).filter((t) => t.dataType === DATA_TYPE.FLOAT16).map((t) => [t.name!, t]));
  const widened: OnnxTensorMessage[] = [];
  const consumed = new Set<string>();
  graph.node = (graph.node ?? []).filter((node) => {
    const half = node.opType === 'Cast' ? halves.get(node.input?.[0] ?? '') : undefined;
    const to = node.attribute?.find((a) => a.name === 'to')?.i;
    if (!half || Number(to) !== DATA_TYPE.FLOAT) return true;
    const output = node.output?.[0];
    if (!output || !half.rawData) {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `The Cast of float16 weight ${half.name} has no output or the weight no raw data`, {
        field: `graph.node.${node.name ?? 'Cast'}`,
        expected: 'a Cast with one output, reading a float16 initializer stored as raw_data (as quantizeOnnx writes)',
        received: `outputs [${(node.output ?? []).join(', ')}], raw_data ${half.rawData ? `${half.rawData.byteLength} bytes` : 'absent'}`,
      });
    }
    widened.push({ name: output, dims: half.dims ?? [], dataType: DATA_TYPE.FLOAT, rawData: toFloat32Bytes(half.rawData) });
    consumed.add(half.name!);
    return false;
  });
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !consumed.has(t.name!)), ...widened];
  model.metadataProps = (model.metadataProps ?? []).filter((p) => p.key !== QUANTIZATION_METADATA_KEY);
  return encodeOnnxModel(model);
}

function toFloat32Bytes(half: Uint8Array): Uint8Array {
  const source = new DataView(half.buffer, half.byteOffset, half.byteLength);
  const out = new Uint8Array(half.byteLength * 2);
  const target = new DataView(out.buffer);
  for (let i = 0; i < half.byteLength / 2; i++) target.setFloat32(i * 4, float16BitsToFloat32(source.getUint16(i * 2, true)), true);
  return out;
}
