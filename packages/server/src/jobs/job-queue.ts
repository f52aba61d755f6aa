/** The background jobs the server knows (the seed's Celery tasks). */
export type JobName = 'train' | 'classify-batch';

export interface TrainJobData {
  /** Folder or manifest (CSV/JSON) relative to the worker's data root. */
  readonly dataset: string;
  /** TrainingConfig overrides (snake_case or camelCase keys), e.g. `{ "epochs": 5 }`. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface ClassifyBatchItem {
  readonly id?: string;
  /** Base64 of an encoded file, or raw s16le PCM with `sample_rate`. */
  readonly audio_data?: string;
  /** A file relative to the data root (alternative to `audio_data`). */
  readonly path?: string;
  readonly sample_rate?: number;
}

export interface ClassifyBatchJobData {
  readonly items: readonly ClassifyBatchItem[];
}

export interface JobDataMap {
  train: TrainJobData;
  'classify-batch': ClassifyBatchJobData;
}

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'unknown';

export interface JobError {
  readonly code: string;
  readonly message: string;
}

export interface JobStatus {
  readonly id: string;
  /** Identity of the API token that created the job (`tokenIdentity`, a hash); absent for jobs queued from code. */
  readonly owner?: string;
  readonly name: JobName;
  readonly state: JobState;
  /** 0..1 */
  readonly progress: number;
  /** Free-form progress details reported by the job (epoch, loss…). */
  readonly progressDetails?: Readonly<Record<string, unknown>>;
  readonly result?: unknown;
  readonly error?: JobError;
  /** Times the job started running (1 on the first run; more after a retry or a stalled worker). */
  readonly attemptsStarted: number;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/** What a running job may do. */
export interface JobContext {
  readonly jobId: string;
  /** Reports progress in 0..1 with optional details; shown by GET /api/jobs/:id. */
  reportProgress(fraction: number, details?: Record<string, unknown>): Promise<void>;
}

export type JobProcessor = <N extends JobName>(name: N, data: JobDataMap[N], context: JobContext) => Promise<unknown>;

export interface AddJobOptions {
  /** Recorded with the job; GET /api/jobs/:id shows the job only to the same token. */
  readonly owner?: string;
}

/** One interface over the in-process queue and BullMQ. */
export interface JobQueue {
  readonly backend: 'in-process' | 'bullmq';
  add<N extends JobName>(name: N, data: JobDataMap[N], options?: AddJobOptions): Promise<string>;
  getStatus(id: string): Promise<JobStatus | undefined>;
  /** Resolves with the job's result or rejects with its error (like Celery's `task.get()`). */
  waitForResult(id: string, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A submitted job, as returned by `enqueueTraining` / `enqueueClassifyBatch`. */
export interface JobHandle<R = unknown> {
  readonly id: string;
  status(): Promise<JobStatus | undefined>;
  /** Waits for the job: resolves with its result, rejects with a `JobFailedError`. */
  result(timeoutMs?: number): Promise<R>;
}

/** Thrown by `JobHandle.result()` when the job failed. */
export class JobFailedError extends Error {
  readonly code: string;
  readonly jobId: string;
  constructor(jobId: string, error: JobError) {
    super(`Job ${jobId} failed: ${error.message}`);
    this.name = 'JobFailedError';
    this.code = error.code;
    this.jobId = jobId;
  }
}

/** Queues a job; give `{ owner: tokenIdentity(token) }` to make it visible to that token over HTTP. */
export async function enqueueJob<N extends JobName, R = unknown>(queue: JobQueue, name: N, data: JobDataMap[N], options?: AddJobOptions): Promise<JobHandle<R>> {
  const id = await queue.add(name, data, options);
  return {
    id,
    status: () => queue.getStatus(id),
    result: (timeoutMs?: number) => queue.waitForResult(id, timeoutMs) as Promise<R>,
  };
}

/** Starts a training job; `await (await enqueueTraining(q, {...})).result()` mirrors `task.get()`. */
export function enqueueTraining<R = unknown>(queue: JobQueue, data: TrainJobData, options?: AddJobOptions): Promise<JobHandle<R>> {
  return enqueueJob<'train', R>(queue, 'train', data, options);
}

export function enqueueClassifyBatch<R = unknown>(queue: JobQueue, data: ClassifyBatchJobData, options?: AddJobOptions): Promise<JobHandle<R>> {
  return enqueueJob<'classify-batch', R>(queue, 'classify-batch', data, options);
}

/** Errors cross process boundaries as text: "[CODE] message". */
export function encodeJobError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && /^E_[A-Z_]+$/.test(e.code) ? e.code : 'E_JOB_FAILED';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return `[${code}] ${message}`;
}

export function decodeJobError(text: string | undefined): JobError {
  const [, code, message] = /^\[(E_[A-Z_]+)\] ([\s\S]*)$/.exec(text ?? '') ?? [];
  return code !== undefined && message !== undefined ? { code, message } : { code: 'E_JOB_FAILED', message: text || 'Job failed' };
}
