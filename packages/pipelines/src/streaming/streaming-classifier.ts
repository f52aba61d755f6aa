import { NoiseClassifierError, checkInteger, checkNumber, describeValue } from '@noise-classifier/config';
import { resample } from '@noise-classifier/features';
import type { FrontEnd } from '../core/front-end';
import { argmax } from '../core/probabilities';
import { LabelDebouncer } from './label-debouncer';
import { StreamResampler } from './stream-resampler';

/** What the stream needs from the service (kept narrow to avoid a module cycle). */
export interface WindowPredictor {
  readonly labels: readonly string[];
  predictWindows(batch: ReturnType<FrontEnd['windows']>): Promise<Float32Array>;
}

export interface StreamingOptions {
  /** Rate of the pushed chunks (default: the model's rate). Other rates are resampled continuously. */
  sampleRate?: number;
  /** Hop between analysed windows, s (default half a model window). */
  hopSeconds?: number;
  /** N-of-M debounce of the reported label (default 2 of 3); `{ n: 1, m: 1 }` reports every window's winner. */
  debounce?: { n: number; m: number };
}

export interface StreamResult {
  /** Window position in the stream, s (stream time at the input rate). */
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Debounced label (null until one label has won n of the last m windows). */
  readonly label: string | null;
  /** This window's winner and its probability. */
  readonly windowLabel: string;
  readonly confidence: number;
  readonly probabilities: Float32Array;
  /** True when `label` differs from the previous result's label. */
  readonly changed: boolean;
}

/**
 * Classifies a live stream: chunks in (any size, any supported rate), one result per window of spectrogramWidth
 * frames every hop. Each window's log-mel is computed from that window's samples alone, as for a one-window clip.
 */
export class StreamingClassifier {
  readonly sampleRate: number;
  private readonly resampler: StreamResampler | null;
  private readonly debouncer: LabelDebouncer;
  private readonly windowSamples: number;
  private readonly hopSamples: number;
  private buffer = new Float32Array(0);
  /** Index (at the model rate) of buffer[0]. */
  private bufferStart = 0;
  private nextWindow = 0;
  private lastLabel: string | null = null;
  private ended = false;

  constructor(
    private readonly predictor: WindowPredictor,
    private readonly frontEnd: FrontEnd,
    options: StreamingOptions = {},
  ) {
    const cfg = frontEnd.config;
    this.sampleRate = checkInteger('sampleRate', options.sampleRate ?? cfg.sampleRate, 1_000, 384_000);
    this.resampler = this.sampleRate === cfg.sampleRate ? null : new StreamResampler(this.sampleRate, cfg.sampleRate, (x, a, b) => resample(x, a, b));
    // A window of W centred frames spans (W − 1)·hopLength samples.
    this.windowSamples = (cfg.spectrogramWidth - 1) * cfg.hopLength;
    const hopSeconds = checkNumber('hopSeconds', options.hopSeconds ?? this.windowSamples / 2 / cfg.sampleRate, { min: 0, minExclusive: true, max: 3600 });
    this.hopSamples = Math.max(1, Math.round(hopSeconds * cfg.sampleRate));
    this.debouncer = new LabelDebouncer(options.debounce?.n ?? 2, options.debounce?.m ?? 3);
  }

  /** Adds a chunk; resolves to the results of the windows it completed. */
  async push(chunk: Float32Array | readonly number[]): Promise<StreamResult[]> {
    if (this.ended) {
      throw new NoiseClassifierError('E_DISPOSED', 'push() after end() on a StreamingClassifier', {
        expected: 'a stream that has not ended',
        received: 'an ended stream',
      });
    }
    const samples = toChecked(chunk);
    return this.consume(this.resampler ? this.resampler.push(samples) : samples);
  }

  /** Flushes the resampler and analyses a final, partly filled window if samples are left. */
  async end(): Promise<StreamResult[]> {
    if (this.ended) return [];
    const tail = this.resampler ? this.resampler.flush() : new Float32Array(0);
    const results = await this.consume(tail);
    this.ended = true;
    const available = this.bufferStart + this.buffer.length;
    if (available > this.nextWindow && (results.length === 0 || available - this.nextWindow > this.hopSamples / 2)) {
      results.push(...(await this.analyse([this.nextWindow], available)));
    }
    return results;
  }

  get label(): string | null {
    return this.debouncer.label;
  }

  private async consume(samples: Float32Array): Promise<StreamResult[]> {
    if (samples.length > 0) {
      const merged = new Float32Array(this.buffer.length + samples.length);
      merged.set(this.buffer);
      merged.set(samples, this.buffer.length);
      this.buffer = merged;
    }
    const available = this.bufferStart + this.buffer.length;
    const starts: number[] = [];
    while (this.nextWindow + this.windowSamples <= available) {
      starts.push(this.nextWindow);
      this.nextWindow += this.hopSamples;
    }
    const results = starts.length ? await this.analyse(starts, available) : [];
    // Drop samples no future window needs.
    const keepFrom = Math.min(this.nextWindow, available);
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
      this.bufferStart = keepFrom;
    }
    return results;
  }

  private async analyse(starts: number[], available: number): Promise<StreamResult[]> {
    const cfg = this.frontEnd.config;
    const parts = starts.map((s) => {
      const end = Math.min(available, s + this.windowSamples);
      const audio = this.buffer.subarray(s - this.bufferStart, end - this.bufferStart);
      return { s, end, batch: this.frontEnd.windows(this.frontEnd.logMel(audio), cfg.spectrogramWidth) };
    });
    const [first] = parts;
    if (first === undefined) return [];
    const b0 = first.batch;
    const per = b0.data.length / b0.count;
    const data = new Float32Array(parts.reduce((n, p) => n + p.batch.data.length, 0));
    let offset = 0;
    // Each part with the model-batch row of its first window.
    const placed: ((typeof parts)[number] & { firstRow: number })[] = [];
    for (const p of parts) {
      placed.push({ ...p, firstRow: offset / per });
      data.set(p.batch.data, offset);
      offset += p.batch.data.length;
    }
    const count = data.length / per;
    const probs = await this.predictor.predictWindows({
      data,
      count,
      channels: b0.channels,
      height: b0.height,
      width: b0.width,
      startFrames: new Array(count).fill(0),
      validFrames: new Array(count).fill(b0.width),
    });
    const classes = this.predictor.labels.length;
    // The predictor may be any WindowPredictor: check its answer once, so each row below holds one value per label.
    if (classes === 0 || probs.length !== count * classes) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', 'The window predictor did not answer one probability per label and window', {
        field: 'probabilities',
        expected: `${count} × ${classes} values (windows × labels, at least one label)`,
        received: `${probs.length} values`,
      });
    }
    return placed.map((p) => {
      const row = probs.slice(p.firstRow * classes, (p.firstRow + 1) * classes);
      const k = argmax(row);
      const windowLabel = this.predictor.labels[k]!;
      const label = this.debouncer.push(windowLabel);
      const changed = label !== this.lastLabel;
      this.lastLabel = label;
      return {
        startSeconds: p.s / cfg.sampleRate,
        endSeconds: p.end / cfg.sampleRate,
        label,
        windowLabel,
        confidence: row[k]!,
        probabilities: row,
        changed,
      };
    });
  }
}

function toChecked(chunk: unknown): Float32Array {
  if (!(chunk instanceof Float32Array || Array.isArray(chunk))) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Stream chunks must be samples', {
      field: 'chunk',
      expected: 'a Float32Array or number[] of mono samples',
      received: describeValue(chunk),
    });
  }
  const src = chunk as ArrayLike<unknown>;
  const out = chunk instanceof Float32Array ? chunk : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new NoiseClassifierError('E_BAD_AUDIO', `Stream chunk sample ${i} is not a finite number`, {
        field: `chunk[${i}]`,
        expected: 'finite samples',
        received: describeValue(v),
      });
    }
    if (out !== chunk) out[i] = v;
  }
  return out;
}
