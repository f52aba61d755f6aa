import type { AudioDecoder, Classifier } from './classifier';
import { BullmqJobWorker, type BullmqWorkerOptions } from './jobs/bullmq-queue';
import { createJobProcessor, type TrainRunner } from './jobs/processors';

export interface StartWorkerOptions extends BullmqWorkerOptions {
  /** Client paths in jobs must lie under this folder. */
  readonly dataRoot?: string;
  /** Checkpoints and trained models: `<workDir>/jobs/<job id>/`. Share it between workers so a retried job resumes. */
  readonly workDir: string;
  /** Loaded on the first classify-batch job. */
  readonly classifier?: () => Promise<Classifier>;
  readonly decodeAudio?: AudioDecoder;
  readonly train?: TrainRunner;
  /** Close gracefully on SIGTERM/SIGINT (default true). */
  readonly handleSignals?: boolean;
}

/** A BullMQ worker process for `noise-classifier worker --redis redis://…`. */
export async function startWorker(options: StartWorkerOptions): Promise<BullmqJobWorker> {
  let model: Promise<Classifier> | undefined;
  const worker = new BullmqJobWorker(
    createJobProcessor({
      dataRoot: options.dataRoot,
      workDir: options.workDir,
      ...(options.classifier ? { classifier: () => (model ??= options.classifier!()) } : {}),
      decodeAudio: options.decodeAudio,
      train: options.train,
    }),
    options,
  );
  await worker.waitUntilReady();
  if (options.handleSignals ?? true) {
    const onSignal = () => {
      worker.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return worker;
}
