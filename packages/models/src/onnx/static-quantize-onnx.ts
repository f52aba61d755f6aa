import { NoiseClassifierError } from '@noise-classifier/config';
import type { InferenceSession } from '../backend';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatInitializerValues,
  type OnnxGraphMessage,
  type OnnxModelMessage,
  type OnnxNodeMessage,
  type OnnxTensorMessage,
} from './onnx-model-codec';
import { QUANTIZATION_METADATA_KEY } from './quantize-onnx';

/**
 * Static int8 quantisation (QDQ): activations as uint8 with ranges measured on calibration windows, Conv weights
 * as int8 per output channel, Conv biases as int32 — the pattern onnxruntime fuses into QLinearConv (integer
 * convolution) and uint8 MaxPool. Dense layers and the heads stay float32.
 */
export interface ActivationRange {
  min: number;
  max: number;
}

const DATA_TYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6 } as const;
const ATTRIBUTE_INT = 2;
const CALIBRATION_SUFFIX = '__calibration';

/** The activations the rewrite quantises: every Conv's data input, and MaxPool inputs and outputs. */
export function activationsToCalibrate(bytes: Uint8Array): string[] {
  const graph = decodeOnnxModel(bytes).graph!;
  const names = new Set<string>();
  for (const node of graph.node ?? []) {
    if (node.opType === 'Conv') names.add(nodeValue(node, 'input', 0));
    if (node.opType === 'MaxPool') {
      names.add(nodeValue(node, 'input', 0));
      names.add(nodeValue(node, 'output', 0));
    }
  }
  return [...names];
}

/** The fp32 model with each activation also flattened to an output `<name>__calibration` ([batch, values]). */
export function calibrationModel(bytes: Uint8Array, activations: readonly string[]): { bytes: Uint8Array; outputs: string[] } {
  const model = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const outputs: string[] = [];
  for (const name of activations) {
    const output = `${name}${CALIBRATION_SUFFIX}`;
    graph.node!.push({ input: [name], output: [output], name: output, opType: 'Flatten', attribute: [{ name: 'axis', type: ATTRIBUTE_INT, i: 1 }] });
    graph.output!.push({ name: output, type: { tensorType: { elemType: DATA_TYPE.FLOAT } } });
    outputs.push(output);
  }
  return { bytes: encodeOnnxModel(model), outputs };
}

/** Runs calibration windows through a session of `calibrationModel` and keeps each activation's min and max. */
export async function calibrateActivations(
  session: InferenceSession,
  activations: readonly string[],
  batches: Iterable<{ data: Float32Array; shape: readonly [number, number, number, number] }>,
): Promise<Map<string, ActivationRange>> {
  const ranges = new Map<string, ActivationRange>(activations.map((a) => [a, { min: Infinity, max: -Infinity }]));
  let windows = 0;
  for (const batch of batches) {
    const out = await session.run(batch.data, batch.shape, { extraOutputs: activations.map((a) => `${a}${CALIBRATION_SUFFIX}`) });
    windows += batch.shape[0];
    for (const name of activations) {
      const range = ranges.get(name)!;
      for (const v of out.extra![`${name}${CALIBRATION_SUFFIX}`]!.data) {
        if (v < range.min) range.min = v;
        if (v > range.max) range.max = v;
      }
    }
  }
  if (windows === 0) {
    throw new NoiseClassifierError('E_DATASET', 'Static quantisation needs calibration windows', { field: 'batches', expected: 'at least one window', received: 'none' });
  }
  return ranges;
}

interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** uint8 affine parameters covering [min, max] and zero (so zero padding and ReLU's floor are exact). */
function uint8Params(range: ActivationRange): QuantParams {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

/** The QDQ model. `ranges` from `calibrateActivations` (every name of `activationsToCalibrate`). */
export function quantizeOnnxStatic(bytes: Uint8Array, ranges: ReadonlyMap<string, ActivationRange>): Uint8Array {
  const model: OnnxModelMessage = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const params = new Map<string, QuantParams>();
  for (const node of graph.node ?? []) {
    for (const name of node.opType === 'Conv' || node.opType === 'MaxPool' ? [nodeValue(node, 'input', 0)] : []) {
      const range = ranges.get(name);
      if (!range) throw new NoiseClassifierError('E_CONFIG', `No calibration range for ${name}`, { field: 'ranges', expected: 'a range for every activationsToCalibrate name', received: 'missing' });
      params.set(name, uint8Params(range));
    }
  }
  // A MaxPool's output keeps its input's parameters, so onnxruntime runs the pooling on uint8 directly.
  for (const node of graph.node ?? []) if (node.opType === 'MaxPool') params.set(nodeValue(node, 'output', 0), params.get(nodeValue(node, 'input', 0))!);

  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const added: OnnxTensorMessage[] = [];
  const nodes: OnnxNodeMessage[] = [];
  const dequantized = (name: string) => `${name}_dq`;
  for (const [name, p] of params) {
    added.push(scalar(`${name}_scale`, DATA_TYPE.FLOAT, p.scale), scalar(`${name}_zero_point`, DATA_TYPE.UINT8, p.zeroPoint));
    nodes.push(
      { input: [name, `${name}_scale`, `${name}_zero_point`], output: [`${name}_q`], name: `${name}_quantize`, opType: 'QuantizeLinear', attribute: [] },
      { input: [`${name}_q`, `${name}_scale`, `${name}_zero_point`], output: [dequantized(name)], name: `${name}_dequantize`, opType: 'DequantizeLinear', attribute: [] },
    );
  }
  const replacedWeights = new Set<string>();
  for (const node of graph.node ?? []) {
    // Every Conv's data input got parameters in the first loop.
    const inputScale = node.opType === 'Conv' ? params.get(nodeValue(node, 'input', 0))!.scale : undefined;
    node.input = (node.input ?? []).map((i) => (params.has(i) ? dequantized(i) : i));
    if (inputScale === undefined) continue;
    const weight = convInitializer(node, 1, initializers);
    const w = floatInitializerValues(weight);
    const channels = weight.dims?.[0];
    if (channels === undefined || channels <= 0 || w.length % channels !== 0) {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `The Conv weight ${weight.name} is not [out_channels, …]`, {
        field: `graph.initializer.${weight.name}`,
        expected: 'dims [out_channels, in_channels/group, kh, kw] matching its values',
        received: `dims [${(weight.dims ?? []).join(', ')}], ${w.length} values`,
      });
    }
    const inner = w.length / channels;
    const wScale = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      let m = 0;
      for (let i = c * inner; i < (c + 1) * inner; i++) m = Math.max(m, Math.abs(w[i]!));
      wScale[c] = m > 0 ? m / 127 : 1;
    }
    const q = Int8Array.from(w, (v, i) => Math.max(-127, Math.min(127, Math.round(v / wScale[Math.floor(i / inner)]!))));
    const wName = weight.name!;
    added.push(
      { name: `${wName}_int8`, dims: weight.dims!, dataType: DATA_TYPE.INT8, rawData: new Uint8Array(q.buffer) },
      vector(`${wName}_scale`, DATA_TYPE.FLOAT, wScale),
      { name: `${wName}_zero_point`, dims: [channels], dataType: DATA_TYPE.INT8, rawData: new Uint8Array(channels) },
    );
    nodes.push(dqNode(`${wName}_int8`, `${wName}_scale`, `${wName}_zero_point`, wName));
    replacedWeights.add(wName);
    const biasName = node.input[2];
    if (biasName) {
      const b = floatInitializerValues(convInitializer(node, 2, initializers));
      if (b.length !== channels) {
        throw new NoiseClassifierError('E_MODEL_FORMAT', `The Conv bias ${biasName} does not have one value per output channel`, {
          field: `graph.initializer.${biasName}`,
          expected: `${channels} values`,
          received: `${b.length} values`,
        });
      }
      const bScale = Float32Array.from(wScale, (s) => s * inputScale);
      const bq = Int32Array.from(b, (v, c) => Math.round(v / bScale[c]!));
      added.push(
        { name: `${biasName}_int32`, dims: [channels], dataType: DATA_TYPE.INT32, rawData: new Uint8Array(bq.buffer) },
        vector(`${biasName}_scale`, DATA_TYPE.FLOAT, bScale),
        { name: `${biasName}_zero_point`, dims: [channels], dataType: DATA_TYPE.INT32, rawData: new Uint8Array(channels * 4) },
      );
      nodes.push(dqNode(`${biasName}_int32`, `${biasName}_scale`, `${biasName}_zero_point`, biasName));
      replacedWeights.add(biasName);
    }
  }
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !replacedWeights.has(t.name!)), ...added];
  graph.input = (graph.input ?? []).filter((i) => !replacedWeights.has(i.name ?? ''));
  graph.node = topologicalOrder(graph, [...nodes, ...(graph.node ?? [])]);
  model.metadataProps = [
    ...(model.metadataProps ?? []),
    { key: QUANTIZATION_METADATA_KEY, value: 'static int8 (QDQ: uint8 activations calibrated on data, int8 per-channel Conv weights, int32 biases), integer convolutions' },
  ];
  return encodeOnnxModel(model);
}

/** A node's input or output name read from the file; a quantised node without it is E_MODEL_FORMAT. */
function nodeValue(node: OnnxNodeMessage, list: 'input' | 'output', index: number): string {
  const name = node[list]?.[index];
  if (!name) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `The ${node.opType} node ${node.name ?? ''} has no ${list} ${index}`, {
      field: `graph.node.${node.name ?? node.opType}.${list}`,
      expected: `${list} ${index} named`,
      received: `[${(node[list] ?? []).join(', ')}]`,
    });
  }
  return name;
}

/** A Conv's weight (input 1) or bias (input 2): static quantisation rewrites stored weights only. */
function convInitializer(node: OnnxNodeMessage, index: 1 | 2, initializers: ReadonlyMap<string, OnnxTensorMessage>): OnnxTensorMessage {
  const name = nodeValue(node, 'input', index);
  const tensor = initializers.get(name);
  if (!tensor) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `The Conv node ${node.name ?? ''} reads its ${index === 1 ? 'weight' : 'bias'} ${name} from another node, not an initializer`, {
      field: `graph.node.${node.name ?? 'Conv'}.input`,
      expected: 'Conv weights and biases stored as initializers',
      received: name,
    });
  }
  return tensor;
}

function dqNode(input: string, scale: string, zeroPoint: string, output: string): OnnxNodeMessage {
  return { input: [input, scale, zeroPoint], output: [output], name: `${output}_dequantize`, opType: 'DequantizeLinear', attribute: [{ name: 'axis', type: ATTRIBUTE_INT, i: 0 }] };
}

function scalar(name: string, dataType: number, value: number): OnnxTensorMessage {
  const raw = dataType === DATA_TYPE.FLOAT ? new Uint8Array(new Float32Array([value]).buffer) : new Uint8Array([value]);
  return { name, dims: [], dataType, rawData: raw };
}

function vector(name: string, dataType: number, values: Float32Array): OnnxTensorMessage {
  return { name, dims: [values.length], dataType, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

/** Kahn's algorithm over value names: a node runs once every input is an initialiser, a graph input or produced. */
function topologicalOrder(graph: OnnxGraphMessage, nodes: OnnxNodeMessage[]): OnnxNodeMessage[] {
  const available = new Set<string>(['', ...(graph.initializer ?? []).map((t) => t.name!), ...(graph.input ?? []).map((i) => i.name ?? '')]);
  const pending = [...nodes];
  const ordered: OnnxNodeMessage[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((n) => n.input!.every((i) => available.has(i)));
    if (index < 0) throw new NoiseClassifierError('E_MODEL_FORMAT', 'The quantised graph has a cycle or a missing value', { field: 'graph', expected: 'an acyclic graph', received: pending[0]!.name ?? '' });
    const [node] = pending.splice(index, 1);
    for (const o of node!.output!) available.add(o);
    ordered.push(node!);
  }
  return ordered;
}
