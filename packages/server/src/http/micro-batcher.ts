export interface MicroBatcherOptions {
  /** How long the first request of a batch waits for company, in milliseconds. */
  readonly windowMs: number;
  /** Most items in one call. */
  readonly maxBatch: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Groups concurrent requests into one batch call. The first item opens a short window; the batch is sent
 * when the window closes or `maxBatch` items are waiting. Only one batch runs at a time, so items that
 * arrive while the model is busy form the next batch (throughput grows with load without a longer window).
 * If a batch call fails, its items are retried one by one, so one bad input cannot fail its neighbours.
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private readonly batchSizes: number[] = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
    private readonly onBatch?: (size: number, seconds: number) => void,
  ) {
    if (!(options.maxBatch >= 1) || !(options.windowMs >= 0)) {
      throw new RangeError(`batching needs maxBatch >= 1 and windowMs >= 0, received ${JSON.stringify(options)}`);
    }
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flushSoon(true);
      else if (this.timer === undefined && !this.running) {
        // windowMs 0: still gather the requests parsed in the same event-loop turn.
        this.timer = this.options.windowMs > 0 ? setTimeout(() => this.flushSoon(true), this.options.windowMs) : (setImmediate(() => this.flushSoon(true)) as unknown as ReturnType<typeof setTimeout>);
      }
    });
  }

  /** Number of items waiting (not yet sent). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Recent batch sizes (last 1000), for tests and diagnostics. */
  get recentBatchSizes(): readonly number[] {
    return this.batchSizes;
  }

  private flushSoon(windowClosed: boolean): void {
    if (windowClosed && this.timer !== undefined) {
      clearTimeout(this.timer);
      clearImmediate(this.timer as unknown as ReturnType<typeof setImmediate>);
      this.timer = undefined;
    }
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = true;
    void this.execute(batch).finally(() => {
      this.running = false;
      // Whatever queued while the model was busy goes next, without waiting for another window.
      if (this.queue.length > 0) this.flushSoon(true);
    });
  }

  private async execute(batch: Pending<I, O>[]): Promise<void> {
    const started = performance.now();
    this.batchSizes.push(batch.length);
    if (this.batchSizes.length > 1000) this.batchSizes.shift();
    try {
      const out = await this.run(batch.map((p) => p.item));
      if (out.length !== batch.length) throw new Error(`batch returned ${out.length} results for ${batch.length} items`);
      this.onBatch?.(batch.length, (performance.now() - started) / 1000);
      batch.forEach((p, i) => p.resolve(out[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [one] = await this.run([p.item]);
          p.resolve(one);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
