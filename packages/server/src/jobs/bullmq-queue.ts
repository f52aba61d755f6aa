import { Job, Queue, QueueEvents, UnrecoverableError, Worker, type JobState as BullState } from 'bullmq';
import { Redis } from 'ioredis';
import {
  JobFailedError,
  decodeJobError,
  encodeJobError,
  type AddJobOptions,
  type JobDataMap,
  type JobName,
  type JobProcessor,
  type JobQueue,
  type JobState,
  type JobStatus,
} from './job-queue';

export const DEFAULT_QUEUE_NAME = 'noise-classifier-jobs';

/** Key of the creating token's identity inside a job's data. */
const OWNER_KEY = 'owner_identity';

export interface BullmqConnectionOptions {
  /** `redis://host:port/db` */
  readonly redisUrl: string;
  readonly queueName?: string;
  /** Key prefix in Redis (default BullMQ's "bull"). */
  readonly prefix?: string;
}

/** Domain failures that a retry cannot fix (bad dataset, bad audio): fail at once instead of retrying. */
const UNRECOVERABLE = new Set(['E_BAD_AUDIO', 'E_DECODE', 'E_DATASET', 'E_CONFIG', 'E_PATH_OUTSIDE_ROOT', 'E_LABEL', 'E_SAMPLE_RATE']);

// BullMQ requires maxRetriesPerRequest: null for blocking connections (workers, queue events).
function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** Submits jobs to Redis and reads their state; workers (`BullmqJobWorker`) may run on other machines. */
export class BullmqJobQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly eventsConnection: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  constructor(private readonly options: BullmqConnectionOptions & { attempts?: number }) {
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.connection = connect(options.redisUrl);
    this.eventsConnection = connect(options.redisUrl);
    const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
    this.queue = new Queue(name, { connection: this.connection, ...prefix });
    this.events = new QueueEvents(name, { connection: this.eventsConnection, ...prefix });
  }

  async add<N extends JobName>(name: N, data: JobDataMap[N], options: AddJobOptions = {}): Promise<string> {
    // The owner travels in the job's data (BullMQ has no other per-job field); processors ignore it.
    const job = await this.queue.add(name, options.owner === undefined ? data : { ...data, [OWNER_KEY]: options.owner }, {
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
    return job.id!;
  }

  async getStatus(id: string): Promise<JobStatus | undefined> {
    const job = await Job.fromId(this.queue, id);
    if (!job) return undefined;
    const state = mapState(await job.getState());
    const { fraction, details } = splitProgress(job.progress);
    const owner: unknown = (job.data as Record<string, unknown> | undefined)?.[OWNER_KEY];
    return {
      id,
      ...(typeof owner === 'string' ? { owner } : {}),
      name: job.name as JobName,
      state,
      progress: state === 'completed' ? 1 : fraction,
      ...(details ? { progressDetails: details } : {}),
      ...(state === 'completed' ? { result: job.returnvalue } : {}),
      ...(state === 'failed' ? { error: decodeJobError(job.failedReason) } : {}),
      attemptsStarted: job.attemptsStarted ?? job.attemptsMade,
      createdAt: new Date(job.timestamp).toISOString(),
      ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
    };
  }

  async waitForResult(id: string, timeoutMs?: number): Promise<unknown> {
    await this.events.waitUntilReady();
    const job = await Job.fromId(this.queue, id);
    if (!job) throw new Error(`Unknown job ${id}`);
    try {
      return await job.waitUntilFinished(this.events, timeoutMs);
    } catch (error) {
      const status = await this.getStatus(id);
      if (status?.state === 'failed' && status.error) throw new JobFailedError(id, status.error);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    this.connection.disconnect();
    this.eventsConnection.disconnect();
  }
}

export interface BullmqWorkerOptions extends BullmqConnectionOptions {
  readonly concurrency?: number;
  /** How long a job's lock lives without renewal; a dead worker's job is recovered after this (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (worker died) before it fails (default 2). */
  readonly maxStalledCount?: number;
}

/** Runs jobs from Redis. A job whose worker dies (kill -9) is moved back to the queue by another worker's stalled check. */
export class BullmqJobWorker {
  private readonly connection: Redis;
  readonly worker: Worker;

  constructor(processor: JobProcessor, options: BullmqWorkerOptions) {
    this.connection = connect(options.redisUrl);
    this.worker = new Worker(
      options.queueName ?? DEFAULT_QUEUE_NAME,
      async (job) => {
        try {
          return await processor(job.name as JobName, job.data, {
            jobId: job.id!,
            reportProgress: (fraction, details) => job.updateProgress(details ? { fraction, ...details } : fraction),
          });
        } catch (error) {
          const text = encodeJobError(error);
          const code = decodeJobError(text).code;
          throw UNRECOVERABLE.has(code) ? new UnrecoverableError(text) : new Error(text);
        }
      },
      {
        connection: this.connection,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: options.maxStalledCount ?? 2,
      },
    );
    // Job failures are reported through the job's state; keep the worker alive on connection hiccups.
    this.worker.on('error', () => {});
  }

  waitUntilReady(): Promise<unknown> {
    return this.worker.waitUntilReady();
  }

  /** Finishes the running jobs, then disconnects. */
  async close(): Promise<void> {
    await this.worker.close();
    this.connection.disconnect();
  }
}

function mapState(state: BullState | 'unknown'): JobState {
  switch (state) {
    case 'completed':
    case 'failed':
    case 'active':
    case 'delayed':
      return state;
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    default:
      return 'unknown';
  }
}

function splitProgress(progress: unknown): { fraction: number; details?: Record<string, unknown> } {
  if (typeof progress === 'number') return { fraction: progress };
  if (progress && typeof progress === 'object') {
    const { fraction, ...details } = progress as Record<string, unknown>;
    return { fraction: typeof fraction === 'number' ? fraction : 0, details };
  }
  return { fraction: 0 };
}
