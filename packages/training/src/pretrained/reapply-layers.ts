import { NoiseClassifierError } from '@noise-classifier/config';
import type { TfModule } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';

/**
 * The part of `model`'s graph between `from` and `to`, re-applied to `input`: every layer downstream of `from`
 * (in the model's topological order) is called again on the mapped tensors, so the new graph SHARES those layers
 * and their weights with `model`. Training a model built on the result therefore trains the top of `model` —
 * how the top blocks of a frozen-bottom backbone are fine-tuned from cached intermediate features.
 * `from` must cut the graph (no layer after it reads a tensor from before it), else E_MODEL_MISMATCH.
 */
export function reapplyLayers(
  tf: TfModule,
  model: tfType.LayersModel,
  from: tfType.SymbolicTensor,
  to: tfType.SymbolicTensor,
  input: tfType.SymbolicTensor,
): tfType.SymbolicTensor {
  void tf;
  const mapped = new Map<number, tfType.SymbolicTensor>([[from.id, input]]);
  for (const layer of model.layers) {
    const node = layer.inboundNodes[0];
    if (!node || node.inputTensors.length === 0) continue;
    const inputs = node.inputTensors.map((t) => mapped.get(t.id));
    // Layers below the split point read nothing mapped.
    if (inputs.every((t) => t === undefined)) continue;
    if (inputs.some((t) => t === undefined)) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `Layer ${layer.name} reads tensors from before the split point`, {
        field: 'from', expected: 'a tensor that cuts the graph in two', received: `${layer.name} with an input from below ${from.name}`,
      });
    }
    const out = layer.apply(inputs.length === 1 ? inputs[0]! : (inputs as tfType.SymbolicTensor[]));
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, k) => mapped.set(t.id, outs[k] as tfType.SymbolicTensor));
    if (mapped.has(to.id)) return mapped.get(to.id)!;
  }
  const result = mapped.get(to.id);
  if (!result) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${to.name} is not downstream of ${from.name}`, {
      field: 'to', expected: `a tensor computed from ${from.name}`, received: to.name,
    });
  }
  return result;
}
