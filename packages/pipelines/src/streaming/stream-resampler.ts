import { NoiseClassifierError } from '@noise-classifier/config';

/** Whole-buffer resampler (the features package's band-limited one). */
export type ResampleFn = (samples: Float32Array, fromRate: number, toRate: number) => Float32Array;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Resamples a stream chunk by chunk with the same result as resampling the whole signal at once (up to the
 * resampler's own precision): blocks start on the rational grid shared by both rates (multiples of
 * fromRate/gcd input samples ↔ toRate/gcd output samples) and carry `contextSeconds` of input on each side, so the
 * filter never sees an artificial edge between chunks (no clicks). The price is a delay of about `contextSeconds`.
 */
export class StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly inBlock: number;
  private readonly outBlock: number;
  private readonly context: number;
  private buffer = new Float32Array(0);
  /** Absolute input index of buffer[0]. */
  private bufferStart = 0;
  /** Absolute input index up to which output has been produced (a multiple of inBlock). */
  private emitted = 0;

  constructor(fromRate: number, toRate: number, private readonly resample: ResampleFn, contextSeconds = 0.02) {
    for (const [field, v] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new NoiseClassifierError('E_SAMPLE_RATE', `${field} must be a positive integer`, {
          field,
          expected: 'a positive integer in Hz',
          received: String(v),
        });
      }
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    const g = gcd(fromRate, toRate);
    this.inBlock = fromRate / g;
    this.outBlock = toRate / g;
    this.context = Math.ceil((contextSeconds * fromRate) / this.inBlock) * this.inBlock;
  }

  /** Adds input; returns the output that is now final. */
  push(chunk: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return Float32Array.from(chunk);
    const merged = new Float32Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    const available = this.bufferStart + this.buffer.length;
    const end = Math.floor((available - this.context) / this.inBlock) * this.inBlock;
    return end > this.emitted ? this.emit(end, false) : new Float32Array(0);
  }

  /** Emits everything left (the stream ended). */
  flush(): Float32Array {
    if (this.fromRate === this.toRate) return new Float32Array(0);
    const available = this.bufferStart + this.buffer.length;
    return available > this.emitted ? this.emit(available, true) : new Float32Array(0);
  }

  private emit(end: number, final: boolean): Float32Array {
    const segStart = Math.max(this.bufferStart, this.emitted - this.context);
    const segEnd = final ? this.bufferStart + this.buffer.length : Math.min(this.bufferStart + this.buffer.length, end + this.context);
    const segment = this.buffer.subarray(segStart - this.bufferStart, segEnd - this.bufferStart);
    const out = this.resample(segment, this.fromRate, this.toRate);
    // segStart and emitted are on the block grid, so output indices map exactly.
    const skip = ((this.emitted - segStart) / this.inBlock) * this.outBlock;
    const take = final ? out.length - skip : ((end - this.emitted) / this.inBlock) * this.outBlock;
    const result = out.slice(skip, skip + Math.max(0, take));
    this.emitted = end;
    // Keep `context` samples before the next emission point.
    const keepFrom = Math.max(this.bufferStart, this.emitted - this.context);
    this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
    this.bufferStart = keepFrom;
    return result;
  }
}
