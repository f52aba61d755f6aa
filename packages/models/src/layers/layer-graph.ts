import { NoiseClassifierError } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';

/** One application of a layer in a functional tfjs model, with keys identifying its input/output tensors. */
export interface LayerCall {
  readonly layer: Tf.layers.Layer;
  readonly className: string;
  readonly inputs: readonly TensorRef[];
  readonly outputs: readonly TensorRef[];
}

export interface TensorRef {
  /** Unique within the model: `<layer name>#<node index>#<tensor index>`. */
  readonly key: string;
  /** tfjs (NHWC) shape, batch dimension null. */
  readonly shape: readonly (number | null)[];
}

export interface LayerGraph {
  /** Layer calls in an order where every call comes after the calls producing its inputs. */
  readonly calls: readonly LayerCall[];
  readonly input: TensorRef;
  readonly output: TensorRef;
  /** How many layer calls read each tensor (the model output counts as one extra reader). */
  readonly consumers: ReadonlyMap<string, number>;
  /** The call producing each tensor. */
  readonly producer: ReadonlyMap<string, LayerCall>;
}

interface SymbolicLike {
  readonly sourceLayer: Tf.layers.Layer;
  readonly nodeIndex: number;
  readonly tensorIndex: number;
  readonly shape: readonly (number | null)[];
}

interface NodeLike {
  readonly inputTensors: readonly SymbolicLike[];
  readonly outputTensors: readonly SymbolicLike[];
}

const refOf = (t: SymbolicLike): TensorRef => ({
  key: `${t.sourceLayer.name}#${t.nodeIndex}#${t.tensorIndex}`,
  shape: t.shape,
});

/**
 * Walks a functional (or Sequential) tfjs model from its output back to its input through the layers' inbound
 * nodes, so branches (squeeze-and-excitation multiply, residual add) come out in a valid execution order.
 * Supports one input and one output, which is what our architectures and exporters need.
 */
export function layerGraph(model: Tf.LayersModel): LayerGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'Only models with one input and one output can be exported', {
      field: 'model',
      expected: '1 input and 1 output',
      received: `${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    });
  }
  const calls: LayerCall[] = [];
  const producer = new Map<string, LayerCall>();
  const consumers = new Map<string, number>();
  const visited = new Set<string>();
  const outputTensor = model.outputs[0] as unknown as SymbolicLike;
  const inputTensor = model.inputs[0] as unknown as SymbolicLike;

  // Iterative post-order DFS (frames hold the next input to visit), so deep models cannot overflow the stack
  // and shared inputs (residual branches) are visited once.
  const nodeOf = (t: SymbolicLike) => (t.sourceLayer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[t.nodeIndex]!;
  const keyOf = (t: SymbolicLike) => `${t.sourceLayer.name}#${t.nodeIndex}`;
  const frames: { tensor: SymbolicLike; node: NodeLike; next: number }[] = [];
  const enter = (t: SymbolicLike) => {
    visited.add(keyOf(t));
    frames.push({ tensor: t, node: nodeOf(t), next: 0 });
  };
  enter(outputTensor);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next < frame.node.inputTensors.length) {
      const input = frame.node.inputTensors[frame.next++]!;
      if (!visited.has(keyOf(input))) enter(input);
      continue;
    }
    frames.pop();
    const layer = frame.tensor.sourceLayer;
    const call: LayerCall = {
      layer,
      className: layer.getClassName(),
      inputs: frame.node.inputTensors.map(refOf),
      outputs: frame.node.outputTensors.map(refOf),
    };
    calls.push(call);
    for (const out of call.outputs) producer.set(out.key, call);
    for (const inp of call.inputs) consumers.set(inp.key, (consumers.get(inp.key) ?? 0) + 1);
  }
  const output = refOf(outputTensor);
  consumers.set(output.key, (consumers.get(output.key) ?? 0) + 1);
  return { calls, input: refOf(inputTensor), output, consumers, producer };
}

/** Finds a layer weight by the last segment of its name (`kernel`, `bias`, `gamma`, `moving_mean` …). */
export function layerWeight(layer: Tf.layers.Layer, suffix: string): Tf.LayerVariable | undefined {
  return layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`) || w.originalName === suffix);
}
