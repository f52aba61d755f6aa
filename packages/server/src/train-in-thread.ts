import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainRunner, TrainRunResult } from './jobs/processors';

/**
 * Runs each training job in a worker thread. Training steps are long synchronous computations; on the main thread
 * they would stall HTTP requests (in-process queue) and stop BullMQ from renewing the job's lock, so a live worker's
 * job would be declared stalled and run twice. In a thread the main event loop stays free; `kill -9` of the
 * process still ends the thread with it.
 */
export function threadedTrainRunner(): TrainRunner {
  return (request) =>
    new Promise<TrainRunResult>((resolve, reject) => {
      const worker = startThread({
        datasetPath: request.datasetPath,
        dataRoot: request.dataRoot,
        checkpointDir: request.checkpointDir,
        outputPath: request.outputPath,
        config: request.config,
      });
      let settled = false;
      let progress = Promise.resolve();
      worker.on('message', (m: { type: string; epoch: number; total: number; metrics: Record<string, number>; result: TrainRunResult; code?: string; message: string }) => {
        if (m.type === 'epoch') progress = progress.then(() => request.onEpoch(m.epoch, m.total, m.metrics)).catch(() => undefined);
        else if (m.type === 'done') {
          settled = true;
          void progress.then(() => resolve(m.result));
        } else if (m.type === 'error') {
          settled = true;
          reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
        }
      });
      worker.once('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`training thread exited with code ${code}`));
      });
    });
}

function startThread(workerData: unknown): Worker {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const entry = path.join(path.dirname(here), `train-thread${ext}`);
  if (ext !== '.ts') return new Worker(entry, { workerData });
  // Running from TypeScript source (tests, `tsx`): the thread loads tsx first to read the .ts entry.
  const code = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(new URL(`file://${entry}`).href)}); });`;
  return new Worker(code, { eval: true, workerData, execArgv: ['--conditions=@noise-classifier/source'] });
}
