import { randomUUID } from 'node:crypto';
import {
  JobFailedError,
  decodeJobError,
  encodeJobError,
  type AddJobOptions,
  type JobDataMap,
  type JobName,
  type JobProcessor,
  type JobQueue,
  type JobStatus,
} from './job-queue';

export interface InProcessQueueOptions {
  /** Jobs run at the same time (default 1: training saturates the CPU on its own). */
  readonly concurrency?: number;
  /** Finished jobs remembered for GET /api/jobs/:id (oldest dropped first). */
  readonly keepFinished?: number;
}

interface Entry {
  status: JobStatus;
  name: JobName;
  data: unknown;
  waiters: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[];
}

/** The embedded default: jobs run in this process, nothing to install. Jobs are lost if the process dies. */
export class InProcessJobQueue implements JobQueue {
  readonly backend = 'in-process' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly pending: string[] = [];
  private readonly finished: string[] = [];
  private active = 0;
  private closed = false;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly processor: JobProcessor,
    private readonly options: InProcessQueueOptions = {},
  ) {}

  async add<N extends JobName>(name: N, data: JobDataMap[N], options: AddJobOptions = {}): Promise<string> {
    if (this.closed) throw new Error('Job queue is closed');
    const id = randomUUID();
    const owner = options.owner === undefined ? {} : { owner: options.owner };
    this.entries.set(id, {
      name,
      data,
      waiters: [],
      status: { id, ...owner, name, state: 'waiting', progress: 0, attemptsStarted: 0, createdAt: new Date().toISOString() },
    });
    this.pending.push(id);
    queueMicrotask(() => this.pump());
    return id;
  }

  async getStatus(id: string): Promise<JobStatus | undefined> {
    return this.entries.get(id)?.status;
  }

  waitForResult(id: string, timeoutMs?: number): Promise<unknown> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.reject(new Error(`Unknown job ${id}`));
    if (entry.status.state === 'completed') return Promise.resolve(entry.status.result);
    if (entry.status.state === 'failed') return Promise.reject(new JobFailedError(id, entry.status.error!));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      entry.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        const t = setTimeout(() => {
          entry.waiters = entry.waiters.filter((w) => w !== waiter);
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for job ${id}`));
        }, timeoutMs);
        const done = () => clearTimeout(t);
        waiter.resolve = (v) => (done(), resolve(v));
        waiter.reject = (e) => (done(), reject(e));
      }
    });
  }

  /** Stops taking jobs and waits for running ones to finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    if (this.active > 0) await new Promise<void>((r) => this.idle.add(r));
  }

  private pump(): void {
    const limit = Math.max(1, this.options.concurrency ?? 1);
    while (!this.closed && this.active < limit && this.pending.length > 0) {
      const id = this.pending.shift()!;
      void this.runOne(id);
    }
  }

  private async runOne(id: string): Promise<void> {
    const entry = this.entries.get(id)!;
    this.active++;
    entry.status = { ...entry.status, state: 'active', attemptsStarted: entry.status.attemptsStarted + 1 };
    try {
      const result = await this.processor(entry.name, entry.data as never, {
        jobId: id,
        reportProgress: async (fraction, details) => {
          entry.status = { ...entry.status, progress: clamp01(fraction), ...(details ? { progressDetails: details } : {}) };
        },
      });
      entry.status = { ...entry.status, state: 'completed', progress: 1, result, finishedAt: new Date().toISOString() };
      entry.waiters.forEach((w) => w.resolve(result));
    } catch (error) {
      const jobError = decodeJobError(encodeJobError(error));
      entry.status = { ...entry.status, state: 'failed', error: jobError, finishedAt: new Date().toISOString() };
      entry.waiters.forEach((w) => w.reject(new JobFailedError(id, jobError)));
    } finally {
      entry.waiters = [];
      this.active--;
      this.remember(id);
      if (this.active === 0) for (const r of this.idle) r();
      this.pump();
    }
  }

  private remember(id: string): void {
    this.finished.push(id);
    const keep = this.options.keepFinished ?? 1000;
    while (this.finished.length > keep) this.entries.delete(this.finished.shift()!);
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
