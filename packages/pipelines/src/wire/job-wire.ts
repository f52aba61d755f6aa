/**
 * The HTTP API's job records in snake_case: the answer to a submission, the job status, a training job's progress
 * and the results of the two job kinds.
 */

/** A background job as its queue reports it. Whom it belongs to is not part of it: that is never sent. */
export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  /** 0..1 */
  readonly progress: number;
  readonly progressDetails?: Readonly<Record<string, unknown>>;
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  readonly attemptsStarted: number;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/** GET /api/jobs/:id. */
export interface WireJobStatus {
  job_id: string;
  name: string;
  state: string;
  progress: number;
  progress_details?: Readonly<Record<string, unknown>>;
  result?: unknown;
  error?: { readonly code: string; readonly message: string };
  attempts_started: number;
  created_at: string;
  finished_at?: string;
}

export function toWireJobStatus(job: JobRecord): WireJobStatus {
  return {
    job_id: job.id,
    name: job.name,
    state: job.state,
    progress: job.progress,
    ...(job.progressDetails ? { progress_details: job.progressDetails } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
    attempts_started: job.attemptsStarted,
    created_at: job.createdAt,
    ...(job.finishedAt ? { finished_at: job.finishedAt } : {}),
  };
}

/** The 202 answer to a job submission: a new job waits in the queue. */
export interface WireJobAccepted {
  job_id: string;
  state: 'waiting';
  status_url: string;
}

export function toWireJobAccepted(job: { readonly id: string; readonly statusUrl: string }): WireJobAccepted {
  return { job_id: job.id, state: 'waiting', status_url: job.statusUrl };
}

/** A training job's progress details after an epoch: where it is, then the epoch's figures (`toWireEpochMetrics`). */
export type WireTrainingProgress = { epoch: number; total_epochs: number } & Record<string, number>;

export function toWireTrainingProgress(progress: { readonly epoch: number; readonly totalEpochs: number }, epochMetrics: Readonly<Record<string, number>>): WireTrainingProgress {
  return { epoch: progress.epoch, total_epochs: progress.totalEpochs, ...epochMetrics };
}

/** A training job's result; `history` and `metrics` arrive already in wire form (`toWireHistory`, `toWireTrainingSummary`). */
export interface WireTrainingJobResult {
  epochs: number;
  resumed_from_epoch: number;
  model_file: string;
  history?: unknown;
  metrics?: unknown;
}

export function toWireTrainingJobResult(run: {
  readonly epochs: number;
  readonly resumedFromEpoch: number;
  readonly modelFile: string;
  readonly history?: unknown;
  readonly metrics?: unknown;
}): WireTrainingJobResult {
  return {
    epochs: run.epochs,
    resumed_from_epoch: run.resumedFromEpoch,
    model_file: run.modelFile,
    ...(run.history === undefined ? {} : { history: run.history }),
    ...(run.metrics === undefined ? {} : { metrics: run.metrics }),
  };
}

/** A classify-batch job's result: the model that answered, then one entry per item (each already in wire form). */
export interface WireBatchJobResult<R> {
  model_version: string;
  results: readonly R[];
}

export function toWireBatchJobResult<R>(batch: { readonly modelVersion: string; readonly results: readonly R[] }): WireBatchJobResult<R> {
  return { model_version: batch.modelVersion, results: batch.results };
}
