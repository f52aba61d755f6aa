import { Worker } from 'node:worker_threads';
import type * as tfType from '@tensorflow/tfjs';
import type { NamedArray } from '../checkpoint';
import type { Batch, GradientHelper } from '../trainer';

export interface WorkerGradientHelperOptions {
  /** Node flags for the worker (default: the parent's, so `--conditions` / loaders carry over). */
  readonly execArgv?: string[];
  /** Development only: a module whose `register()` installs a TypeScript loader in the worker ('tsx/esm/api'). */
  readonly loader?: string;
  /** Backend in the worker (default 'wasm', with the trainer's backward kernels). */
  readonly device?: 'wasm' | 'cpu' | 'auto';
}

// The worker's code. It imports the packages by name (resolved like the parent's imports), so it runs from the
// sources under tsx/vitest and from dist when installed, and builds its own copy of the model from the topology.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  // Development (TypeScript sources): a module that registers a loader, e.g. 'tsx/esm/api'.
  if (workerData.loader) (await import(workerData.loader)).register();
  const tfMod = await import('@tensorflow/tfjs');
  const tf = tfMod.default && tfMod.default.layers ? tfMod.default : tfMod;
  const models = await import('@noise-classifier/models');
  const pipelines = await import('@noise-classifier/training');
  await pipelines.selectTrainingBackend(tf, workerData.device);
  models.registerCustomLayers(tf);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(workerData.topology) });
  for (const layer of model.layers) {
    if (layer.getClassName() === 'BatchNormalization') layer.momentum = workerData.momentum;
  }
  return { tf, model, pipelines };
})();
parentPort.on('message', async (msg) => {
  try {
    const { tf, model, pipelines } = await ready;
    pipelines.writeWeights(tf, model, msg.weights);
    const keys = model.trainableWeights.map((w) => w.originalName);
    const variables = model.trainableWeights.map((w) => w.read());
    const r = pipelines.batchGradients(tf, model, variables, msg.batch, msg.dropoutSeed);
    const grads = {};
    const transfer = [];
    variables.forEach((v, i) => {
      const g = r.grads[v.name];
      if (!g) return;
      const data = g.dataSync().slice();
      grads[keys[i]] = data;
      transfer.push(data.buffer);
      g.dispose();
    });
    parentPort.postMessage({ id: msg.id, grads, loss: r.loss, correct: r.correct }, transfer);
  } catch (error) {
    parentPort.postMessage({ id: msg.id, error: String(error && error.stack || error) });
  }
});
`;

/**
 * A second tfjs instance in a worker thread that computes the gradient of half of every batch (data parallelism
 * over two cores): the trainer sends the current weights and the half batch, adds the returned gradients to its own.
 * Batch-norm statistics of the worker's half do not update the main model's moving averages.
 */
export function createWorkerGradientHelper(model: tfType.LayersModel, options: WorkerGradientHelperOptions = {}): GradientHelper {
  const momentum = (model.layers.find((l) => l.getClassName() === 'BatchNormalization') as unknown as { momentum?: number } | undefined)?.momentum ?? 0.9;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { topology: JSON.stringify(model.toJSON(null, false)), device: options.device ?? 'wasm', momentum, loader: options.loader },
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: { grads: Record<string, Float32Array>; loss: number; correct: number }) => void; reject: (e: Error) => void }>();
  worker.on('message', (msg: { id: number; error?: string; grads: Record<string, Float32Array>; loss: number; correct: number }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`gradient worker: ${msg.error}`));
    else p.resolve({ grads: msg.grads, loss: msg.loss, correct: msg.correct });
  });
  worker.on('error', (error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  return {
    compute(request: { weights: NamedArray[]; batch: Batch; dropoutSeed: number }) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, ...request });
      });
    },
    async dispose() {
      await worker.terminate();
    },
  };
}
