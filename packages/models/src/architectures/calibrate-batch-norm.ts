import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';
import { layerGraph, layerWeight, type LayerGraph } from '../layers/layer-graph';
import { STOCHASTIC_DEPTH_CLASS } from '../layers/stochastic-depth';

export interface CalibrateBatchNormOptions {
  /** Number of random batches (default 2). */
  readonly batches?: number;
  /** Samples per batch (default 4). */
  readonly batchSize?: number;
  /** Seed of the random input (default 0). */
  readonly seed?: number;
  /**
   * Output standard deviation given to batch norms that end a residual branch (their output reaches an Add,
   * possibly through dropout / stochastic depth); default 0.25. Keeping branches small keeps the random network
   * close to identity-like residual blocks instead of chaotic, so float32 rounding (and any input shift) is not
   * amplified tens of times on its way to the logits. Other batch norms get unit output variance.
   */
  readonly residualBranchStd?: number;
}

const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout2D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout', STOCHASTIC_DEPTH_CLASS]);

/**
 * Sets every batch norm's moving mean and variance from the statistics of its input on seeded random data,
 * in execution order, so each layer sees already-calibrated upstream layers. Without this, an untrained deep
 * EfficientNet (moving stats 0/1 but real activations far from that) shrinks activations block after block
 * until outputs are ~1e-13 and CPU timings measure denormal arithmetic. Only meant for untrained models.
 */
export function calibrateBatchNorm(model: Tf.LayersModel, tf: TfModule, options: CalibrateBatchNormOptions = {}): void {
  const batches = options.batches ?? 2;
  const batchSize = options.batchSize ?? 4;
  for (const [field, v] of [['batches', batches], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 256) {
      throw new NoiseClassifierError('E_CONFIG', `calibrateBatchNorm ${field} must be a positive integer`, {
        field, expected: 'an integer from 1 to 256', received: describeValue(v),
      });
    }
  }
  const residualStd = options.residualBranchStd ?? 0.25;
  if (!(residualStd > 0 && residualStd <= 1)) {
    throw new NoiseClassifierError('E_CONFIG', 'calibrateBatchNorm residualBranchStd must be in (0, 1]', {
      field: 'residualBranchStd', expected: 'a number in (0, 1]', received: describeValue(residualStd),
    });
  }
  const graph = layerGraph(model);
  const residualEnds = residualBranchEnds(graph);
  const inputShape = graph.input.shape.slice(1) as number[];
  tf.tidy(() => {
    // All samples in one pass: deterministic and one forward regardless of `batches`.
    // tfjs reads a seed of 0 as "no seed" (it is falsy) and draws from Math.random, so seed s uses tfjs's s + 1.
    const input = tf.randomNormal([batches * batchSize, ...inputShape], 0, 1, 'float32', (options.seed ?? 0) + 1);
    const values = new Map<string, Tf.Tensor>([[graph.input.key, input]]);
    const remaining = new Map(graph.consumers);
    for (const call of graph.calls) {
      if (call.className === 'InputLayer') continue;
      const inputs = call.inputs.map((r) => values.get(r.key)!);
      if (call.className === 'BatchNormalization') {
        const x = inputs[0]!;
        const axes = x.shape.map((_, i) => i).slice(0, -1);
        const { mean, variance } = tf.moments(x, axes);
        layerWeight(call.layer, 'moving_mean')?.write(mean);
        const target = residualEnds.has(call.layer.name) ? residualStd : 1;
        layerWeight(call.layer, 'moving_variance')?.write(target === 1 ? variance : tf.div(variance, target * target));
      }
      const out = call.layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as Tf.Tensor | Tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      call.outputs.forEach((ref, i) => values.set(ref.key, outs[i]!));
      // Free activations once their last reader has run (B3 at batch 8 would otherwise keep ~1 GB alive).
      for (const ref of call.inputs) {
        const left = (remaining.get(ref.key) ?? 1) - 1;
        remaining.set(ref.key, left);
        if (left === 0 && ref.key !== graph.output.key) {
          values.get(ref.key)?.dispose();
          values.delete(ref.key);
        }
      }
    }
  });
}

/** Names of batch-norm layers whose output flows (through pass-through layers only) into an Add. */
function residualBranchEnds(graph: LayerGraph): Set<string> {
  const readers = new Map<string, string[]>();
  const classOf = new Map<string, string>();
  const outputOf = new Map<string, string>();
  for (const call of graph.calls) {
    classOf.set(call.layer.name, call.className);
    outputOf.set(call.layer.name, call.outputs[0]!.key);
    for (const input of call.inputs) readers.set(input.key, [...(readers.get(input.key) ?? []), call.layer.name]);
  }
  const ends = new Set<string>();
  for (const call of graph.calls) {
    if (call.className !== 'BatchNormalization') continue;
    let frontier = readers.get(call.outputs[0]!.key) ?? [];
    for (let hops = 0; hops < 4 && frontier.length === 1; hops++) {
      const next = frontier[0]!;
      if (classOf.get(next) === 'Add') {
        ends.add(call.layer.name);
        break;
      }
      if (!PASS_THROUGH.has(classOf.get(next) ?? '')) break;
      frontier = readers.get(outputOf.get(next)!) ?? [];
    }
  }
  return ends;
}
