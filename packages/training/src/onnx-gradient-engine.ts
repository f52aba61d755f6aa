import { NoiseClassifierError } from '@noise-classifier/config';
import type { OrtModuleLike, OrtTensorLike } from '@noise-classifier/models';
import { buildTrainingGraph, TRAINING_GRAPH_IO, type TrainingGraph, type TrainingGraphOptions } from './graph/training-graph';
import type * as tfType from '@tensorflow/tfjs';
import type { BatchGradients, GradientEngine } from './gradient-engine';
import { derivePrng } from './random';
import type { Batch } from './trainer';

type Tf = typeof tfType;

export interface OnnxGradientEngineOptions {
  /** The onnxruntime module (onnxruntime-node), injected so that core code never imports a runtime. */
  readonly ort: OrtModuleLike;
  /** The tfjs module the model lives in (gradients come back as its tensors). */
  readonly tf: Tf;
  /** onnxruntime intra-op threads (default: the runtime's choice, all cores). */
  readonly threads?: number;
  /** Kernel-gradient formulations (see `buildTrainingGraph`); the defaults measured fastest. */
  readonly filterGradient?: TrainingGraphOptions['filterGradient'];
  /** Let onnxruntime's worker threads spin-wait between operators (default false; see below). */
  readonly spinning?: boolean;
}

/**
 * A gradient engine on onnxruntime: the model's training graph (forward in training mode, loss, backward; see
 * `buildTrainingGraph`) is built once and opened in one session; weights are graph inputs, so every step feeds
 * the current tfjs weights and reads back the gradients. Dropout / stochastic-depth masks are drawn from our seeded
 * stream; batch-norm moving statistics are updated here with each layer's momentum, as tfjs training mode does.
 */
export async function createOnnxGradientEngine(model: tfType.LayersModel, options: OnnxGradientEngineOptions): Promise<GradientEngine> {
  const { ort, tf } = options;
  const trainable = model.trainableWeights.map((w) => w.originalName);
  const graph: TrainingGraph = buildTrainingGraph(model, { trainable, ...(options.filterGradient ? { filterGradient: options.filterGradient } : {}) });
  const threads = options.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new NoiseClassifierError('E_CONFIG', 'threads must be a positive integer', { field: 'threads', expected: 'an integer ≥ 1', received: String(threads) });
  }
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    // Worker threads sleep instead of spinning between operators: on a shared machine (another process on a
    // core) spinning threads fight for the core and a 2-thread step became 2–3× slower than 1 thread; measured.
    ...(options.spinning === true ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  });
  const variables = new Map(model.weights.map((w) => [w.originalName, w]));
  const tensor = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
  const [c, h, w] = graph.inputShape;
  const k = graph.numClasses;
  let disposed = false;

  return {
    name: `onnxruntime (${threads === undefined ? 'default' : threads} thread${threads === 1 ? '' : 's'})`,
    async compute(batch: Batch, dropoutSeed: number): Promise<BatchGradients> {
      if (disposed) throw new NoiseClassifierError('E_DISPOSED', 'The gradient engine was disposed', { field: 'engine' });
      const n = batch.size;
      const feeds: Record<string, OrtTensorLike> = {
        [TRAINING_GRAPH_IO.x]: tensor(c === 1 ? batch.x : nhwcToNchw(batch.x, n, h, w, c), [n, c, h, w]),
        [TRAINING_GRAPH_IO.y]: tensor(batch.y, [n, k]),
        [TRAINING_GRAPH_IO.w]: tensor(batch.w, [n]),
      };
      for (const weight of graph.weights) {
        feeds[weight.name] = tensor(variables.get(weight.name)!.read().dataSync() as Float32Array, weight.shape);
      }
      graph.masks.forEach((mask, i) => {
        const per = mask.sampleShape.reduce((a, b) => a * b, 1);
        const keep = 1 - mask.rate;
        const random = derivePrng(dropoutSeed, 101, i);
        const data = new Float32Array(n * per);
        for (let j = 0; j < data.length; j++) data[j] = random.next() < keep ? 1 / keep : 0;
        feeds[mask.input] = tensor(data, [n, ...mask.sampleShape]);
      });
      const out = await session.run(feeds);
      const loss = (out[TRAINING_GRAPH_IO.loss]!.data as Float32Array)[0]!;
      const logits = out[TRAINING_GRAPH_IO.logits]!.data as Float32Array;
      let correct = 0;
      for (let b = 0; b < n; b++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (logits[b * k + j]! > logits[b * k + best]!) best = j;
        if (best === batch.hard[b]) correct += 1;
      }
      updateMovingStatistics(tf, model, graph, out);
      const grads: Record<string, tfType.Tensor> = {};
      for (const weight of graph.weights) {
        if (weight.gradient === undefined) continue;
        grads[(variables.get(weight.name)!.read() as tfType.Variable).name] = tf.tensor(out[weight.gradient]!.data as Float32Array, [...weight.shape]);
      }
      for (const t of Object.values(out)) t.dispose?.();
      return { loss, correct, grads };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}

/** moving ← moving − (moving − batch)·(1 − momentum), the update tfjs's BatchNormalization applies in training. */
function updateMovingStatistics(tf: Tf, model: tfType.LayersModel, graph: TrainingGraph, out: Record<string, OrtTensorLike>): void {
  for (const bn of graph.batchNorms) {
    const layer = model.getLayer(bn.layer) as unknown as {
      momentum: number;
      weights: tfType.LayerVariable[];
    };
    const find = (suffix: string) => layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`));
    const decay = 1 - layer.momentum;
    for (const [suffix, output] of [['moving_mean', bn.meanOutput], ['moving_variance', bn.varianceOutput]] as const) {
      const variable = find(suffix);
      if (variable === undefined) continue;
      tf.tidy(() => {
        const orig = variable.read();
        const value = tf.tensor(out[output]!.data as Float32Array, orig.shape);
        variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
      });
    }
  }
}

function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[b * plane * c + ch * plane + p] = x[b * plane * c + p * c + ch]!;
  }
  return out;
}
