// Worker-thread entry: runs one training job off the main thread (see train-in-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadTrainRunner } from './train-runner';

interface Request {
  datasetPath: string;
  dataRoot?: string;
  checkpointDir: string;
  outputPath: string;
  config: Record<string, unknown>;
}

async function main() {
  const request = workerData as Request;
  const run = await loadTrainRunner();
  if (!run) throw Object.assign(new Error('This installation cannot train (@tensorflow/tfjs or the training code is missing)'), { code: 'E_TRAINING' });
  const result = await run({
    ...request,
    onEpoch: async (epoch, total, metrics) => parentPort!.postMessage({ type: 'epoch', epoch, total, metrics }),
  });
  parentPort!.postMessage({ type: 'done', result });
}

main().catch((error: unknown) => {
  const e = error as { code?: unknown; message?: unknown };
  parentPort!.postMessage({ type: 'error', code: typeof e?.code === 'string' ? e.code : undefined, message: String(e?.message ?? error) });
});
