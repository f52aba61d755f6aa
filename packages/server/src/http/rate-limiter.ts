import { ApiError } from '../api-error';

export interface RateLimitOptions {
  /** Largest burst a token may send (bucket size). */
  readonly burst: number;
  /** Sustained requests per second per token (refill rate). */
  readonly perSecond: number;
}

/**
 * Per-key token bucket. Each key starts full; a request takes one unit; units refill continuously.
 * Written here rather than pulling @fastify/rate-limit because the key is the verified token id
 * (known only after auth) and the 429 body must follow the API's JSON error shape.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { units: number; at: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) {
      throw new RangeError(`rateLimit needs burst >= 1 and perSecond > 0, received ${JSON.stringify(options)}`);
    }
  }

  /** Takes one unit for `key`, or throws 429 with Retry-After. */
  take(key: string): void {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { units: this.options.burst, at: t };
    bucket.units = Math.min(this.options.burst, bucket.units + ((t - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = t;
    this.buckets.set(key, bucket);
    if (bucket.units < 1) {
      const waitSeconds = Math.max(1, Math.ceil((1 - bucket.units) / this.options.perSecond));
      throw new ApiError(429, 'E_RATE_LIMITED', `Rate limit exceeded: at most ${this.options.perSecond} requests per second (burst ${this.options.burst}) per token`, {
        'retry-after': String(waitSeconds),
      });
    }
    bucket.units -= 1;
  }
}
