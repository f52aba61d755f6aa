import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '../backend';
import { ONNX_INPUT_NAME, ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME, exportOnnx, type ExportOnnxOptions } from './export-onnx';
import { ONNX_DATA_TYPE, modelProtoType } from './onnx-schema';

interface ProtoNode { input: string[]; output: string[]; name?: string }
interface ProtoTensor { name: string }
interface ProtoModel {
  graph: { node: ProtoNode[]; initializer: ProtoTensor[]; name?: string; docString?: string };
  docString?: string;
}

/** Smallest positive normal float32: log() of it is finite, so `logits` never holds −∞. */
const MIN_PROBABILITY = 1.1754943508222875e-38;

/**
 * One ONNX file for an ensemble of models with the same input and labels: every member's graph (exported with
 * `exportOnnx`, names prefixed `m<k>/`) reads the shared `input`; `probabilities` is the mean of the members'
 * softmax outputs and `logits` is its logarithm (so softmax(logits) = probabilities, and every consumer of a
 * single-model file works unchanged). The metadata describes the ensemble (one label list, one feature config).
 */
export function exportOnnxEnsemble(models: readonly Tf.LayersModel[], metadata: ModelMetadata, options: ExportOnnxOptions = {}): Uint8Array {
  if (!Array.isArray(models) || models.length === 0) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'exportOnnxEnsemble needs at least one model', {
      field: 'models',
      expected: 'a non-empty array of tfjs LayersModels with the same input and output shapes',
      received: describeValue(models),
    });
  }
  const type = modelProtoType();
  // exportOnnx checks each member against the metadata (labels, input shape), so their interfaces agree.
  const members = models.map((model) => type.toObject(type.decode(exportOnnx(model, metadata, options)), { defaults: false }) as ProtoModel);
  const base = members[0]!;
  const nodes: ProtoNode[] = [];
  const initializers: ProtoTensor[] = [];
  const memberProbabilities: string[] = [];
  members.forEach((member, k) => {
    const prefix = `m${k}/`;
    const rename = (name: string) => (name === ONNX_INPUT_NAME || name === '' ? name : `${prefix}${name}`);
    for (const node of member.graph.node) {
      nodes.push({ ...node, input: node.input.map(rename), output: node.output.map(rename), name: rename(node.name ?? node.output[0]!) });
    }
    for (const tensor of member.graph.initializer) initializers.push({ ...tensor, name: rename(tensor.name) });
    memberProbabilities.push(rename(ONNX_PROBABILITIES_NAME));
  });
  const floor = 'ensemble/min_probability';
  initializers.push({ name: floor, dims: [], dataType: ONNX_DATA_TYPE.FLOAT, rawData: new Uint8Array(new Float32Array([MIN_PROBABILITY]).buffer) } as ProtoTensor);
  const attrless = { attribute: [] as unknown[] };
  nodes.push({ input: memberProbabilities, output: [ONNX_PROBABILITIES_NAME], name: ONNX_PROBABILITIES_NAME, opType: 'Mean', ...attrless } as ProtoNode);
  nodes.push({ input: [ONNX_PROBABILITIES_NAME, floor], output: ['ensemble/floored'], name: 'ensemble/floored', opType: 'Max', ...attrless } as ProtoNode);
  nodes.push({ input: ['ensemble/floored'], output: [ONNX_LOGITS_NAME], name: ONNX_LOGITS_NAME, opType: 'Log', ...attrless } as ProtoNode);
  const message = {
    ...base,
    docString: options.docString ?? `ensemble of ${models.length} ${metadata.modelConfig.architecture} models (mean of probabilities)`,
    graph: { ...base.graph, name: `${metadata.modelConfig.architecture}_ensemble${models.length}`, node: nodes, initializer: initializers },
  };
  return type.encode(type.fromObject(message)).finish();
}
