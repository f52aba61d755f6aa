export interface MicroBatcherOptions {
  /** How long the first request of a batch waits for company, in milliseconds. */
  readonly windowMs: number;
  /** Most items in one call. */
  readonly maxBatch: number;
  /**
   * Longest wait for requests that are known to be on their way (announced with `expect()`, still decoding)
   * before a batch is sent anyway; default 20 ms.
   */
  readonly maxWaitMs?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Groups concurrent requests into one batch call.
 * - The first item opens a short window (`windowMs`); the batch is sent when the window closes or `maxBatch`
 *   items wait.
 * - Requests announce themselves with `expect()` when they start (before decoding their audio). While announced
 *   requests are still decoding, the window is extended (up to `maxWaitMs`), and as soon as every announced
 *   request has arrived the batch goes at once: concurrent requests end up in one call even though their bodies
 *   are decoded one after another on the event loop.
 * - One batch runs at a time; items arriving meanwhile form the next batch, so batches grow with load.
 * - If a batch call fails, its items are retried one by one, so one bad input cannot fail its neighbours.
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private openedAt = 0;
  private running = false;
  private expected = 0;
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

  /** Announces a request that will `submit` soon; call the returned function if it will not (e.g. bad input). */
  expect(): () => void {
    this.expected++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.expected--;
      if (this.expected === 0 && this.queue.length > 0 && !this.running) this.flush();
    };
  }

  /** Queues one item; `arrived` is the function `expect()` returned for it, if any. */
  submit(item: I, arrived?: () => void): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      arrived?.();
      if (this.running) return;
      if (this.queue.length >= this.options.maxBatch || (arrived && this.expected === 0 && this.queue.length > 1)) this.flush();
      else if (this.timer === undefined) {
        this.openedAt = performance.now();
        this.arm(this.options.windowMs);
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

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const waited = performance.now() - this.openedAt;
      // Announced requests are still decoding: give them a little longer.
      if (this.expected > 0 && this.queue.length < this.options.maxBatch && waited < (this.options.maxWaitMs ?? 20)) this.arm(1);
      else this.flush();
    }, ms);
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = true;
    void this.execute(batch).finally(() => {
      this.running = false;
      // Whatever queued while the model was busy goes next, without waiting for another window.
      if (this.queue.length > 0) this.flush();
    });
  }

  private async execute(batch: Pending<I, O>[]): Promise<void> {
    const started = performance.now();
    this.batchSizes.push(batch.length);
    if (this.batchSizes.length > 1000) this.batchSizes.shift();
    try {
      const out = await this.runChecked(batch.map((p) => p.item));
      this.onBatch?.(batch.length, (performance.now() - started) / 1000);
      // runChecked: one result per item.
      batch.forEach((p, i) => p.resolve(out[i]!));
    } catch (error) {
      const [only, ...others] = batch;
      if (only && others.length === 0) {
        only.reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [one] = await this.runChecked([p.item]);
          p.resolve(one!);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }

  /** The model's results, one per item in order: a runner answering with another count fails the batch. */
  private async runChecked(items: I[]): Promise<O[]> {
    const out = await this.run(items);
    if (out.length !== items.length) throw new Error(`batch returned ${out.length} results for ${items.length} items`);
    return out;
  }
}
