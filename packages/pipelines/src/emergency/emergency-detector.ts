import { NoiseClassifierError, checkInteger, checkNumber, describeValue } from '@noise-classifier/config';
import { ISO_8201_T3, t3CycleSeconds } from '../synthetic/alarm-pattern';
import { T3Matcher, type T3Match, type T3MatcherOptions } from './t3-matcher';
import { ToneTracker, type ToneTrackerOptions } from './tone-tracker';

/** Model evidence: the emergency label's probability per analysed window. */
export interface AlarmProbabilityWindow {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly probability: number;
}

/** Anything that turns audio chunks into per-window alarm probabilities (a classifier stream). */
export interface AlarmProbabilitySource {
  push(chunk: Float32Array): Promise<readonly AlarmProbabilityWindow[]>;
}

export interface EmergencyDetectorOptions {
  /** Rate of the pushed chunks, Hz. */
  sampleRate: number;
  /** Model evidence; without it the detector runs on signal processing alone. */
  model?: AlarmProbabilitySource;
  /** Decision every tickSeconds (default 0.5). */
  tickSeconds?: number;
  /** Combined score to count a tick as alarm (default 0.5) and to count it as clear (default 0.3): hysteresis. */
  onThreshold?: number;
  offThreshold?: number;
  /** N-of-M confirmation: raise when `confirmN` of the last `confirmM` ticks are alarm ticks (default 2 of 3). */
  confirmN?: number;
  confirmM?: number;
  /**
   * How far each source alone can raise the score, in [0, 1] (defaults: pattern 1, model 0.4). Evidence combines as
   * a noisy-OR, 1 − (1 − patternWeight·pattern)(1 − modelWeight·p): an unsure model never lowers what the pattern
   * says, agreement raises it, and with the defaults the model alone (≤ 0.4) cannot reach the 0.5 threshold.
   */
  patternWeight?: number;
  modelWeight?: number;
  /** How long a recognised T3 cycle counts as evidence, s (default 1.25 cycles = 5 s). */
  holdSeconds?: number;
  tone?: ToneTrackerOptions;
  pattern?: T3MatcherOptions;
}

export interface EmergencyEvent {
  readonly type: 'onset' | 'offset';
  /** Onset: start of the first recognised alarm cycle (or model window); offset: when the alarm was cleared. */
  readonly timeSeconds: number;
  /** When the decision was taken (stream time), s. */
  readonly decidedAtSeconds: number;
  /** Combined score that confirmed the event, 0…1. */
  readonly confidence: number;
  readonly patternConfidence: number;
  readonly modelProbability: number | null;
  readonly label: 'fire_alarm';
}

/**
 * Flags fire alarms in a stream by combining a detector of the ISO 8201 temporal-three pattern (narrow-band tone
 * near 3 kHz, three 0.5 s pulses, 1.5 s pause) with an optional model's fire_alarm probability. Per tick the
 * evidence is combined (noisy-OR), compared with a threshold, confirmed N-of-M, and cleared with hysteresis.
 */
export class EmergencyNoiseDetector {
  readonly sampleRate: number;
  private readonly tracker: ToneTracker;
  private readonly matcher: T3Matcher;
  private readonly model?: AlarmProbabilitySource;
  private readonly tick: number;
  private readonly onThreshold: number;
  private readonly offThreshold: number;
  private readonly n: number;
  private readonly m: number;
  private readonly patternWeight: number;
  private readonly modelWeight: number;
  private readonly hold: number;
  private samplesSeen = 0;
  private nextTick: number;
  private lastMatch: T3Match | null = null;
  private modelWindows: AlarmProbabilityWindow[] = [];
  private readonly recentTicks: boolean[] = [];
  private clearTicks = 0;
  private active = false;
  private readonly allMatches: T3Match[] = [];

  constructor(options: EmergencyDetectorOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new NoiseClassifierError('E_CONFIG', 'EmergencyNoiseDetector needs options with a sampleRate', {
        field: 'options',
        expected: '{ sampleRate, … }',
        received: String(options),
      });
    }
    this.sampleRate = checkInteger('sampleRate', options.sampleRate, 8_000, 384_000);
    this.tracker = new ToneTracker(this.sampleRate, options.tone);
    this.matcher = new T3Matcher(options.pattern);
    this.model = options.model;
    this.tick = checkNumber('tickSeconds', options.tickSeconds ?? 0.5, { min: 0.05, max: 10 });
    this.onThreshold = checkNumber('onThreshold', options.onThreshold ?? 0.5, { min: 0, max: 1 });
    this.offThreshold = checkNumber('offThreshold', options.offThreshold ?? 0.3, { min: 0, max: this.onThreshold });
    this.m = checkInteger('confirmM', options.confirmM ?? 3, 1, 1000);
    this.n = checkInteger('confirmN', options.confirmN ?? 2, 1, this.m);
    this.patternWeight = checkNumber('patternWeight', options.patternWeight ?? 1, { min: 0, max: 1 });
    this.modelWeight = checkNumber('modelWeight', options.modelWeight ?? 0.4, { min: 0, max: 1 });
    if (this.model && this.patternWeight + this.modelWeight === 0) {
      throw new NoiseClassifierError('E_CONFIG', 'patternWeight and modelWeight cannot both be 0', {
        field: 'modelWeight',
        expected: 'a positive weight for at least one source',
        received: '0 and 0',
      });
    }
    const cycle = t3CycleSeconds(options.pattern?.timing ?? ISO_8201_T3);
    this.hold = checkNumber('holdSeconds', options.holdSeconds ?? 1.25 * cycle, { min: 0 });
    this.nextTick = this.tick;
  }

  /** Whether an alarm is currently raised. */
  get alarmActive(): boolean {
    return this.active;
  }

  /** Every recognised T3 cycle so far (for diagnostics and the benchmark). */
  get matches(): readonly T3Match[] {
    return this.allMatches;
  }

  /** Feeds a chunk at `sampleRate`; resolves to the onset/offset events it caused. */
  async push(chunk: Float32Array | readonly number[]): Promise<EmergencyEvent[]> {
    if (!(chunk instanceof Float32Array) && !Array.isArray(chunk)) {
      throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio chunks must be samples', {
        field: 'chunk',
        expected: 'a Float32Array or number[] at the detector sample rate',
        received: describeValue(chunk),
      });
    }
    const samples = chunk instanceof Float32Array ? chunk : Float32Array.from(chunk);
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i])) {
        throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio chunk contains a non-finite sample', {
          field: `chunk[${i}]`,
          expected: 'finite samples',
          received: String(samples[i]),
        });
      }
    }
    for (const match of this.matcher.push(this.tracker.push(samples))) {
      this.lastMatch = match;
      this.allMatches.push(match);
    }
    if (this.model) this.modelWindows.push(...(await this.model.push(samples)));
    this.samplesSeen += samples.length;
    const now = this.samplesSeen / this.sampleRate;
    const events: EmergencyEvent[] = [];
    while (this.nextTick <= now) {
      const event = this.decide(this.nextTick);
      if (event) events.push(event);
      this.nextTick += this.tick;
    }
    return events;
  }

  private decide(t: number): EmergencyEvent | null {
    const pattern = this.lastMatch && t - this.lastMatch.detectedAt <= this.hold && this.lastMatch.detectedAt <= t ? this.lastMatch.confidence : 0;
    // Latest model window that ended by t; older ones are dropped.
    let modelWindow: AlarmProbabilityWindow | null = null;
    for (const w of this.modelWindows) if (w.endSeconds <= t + 1e-9) modelWindow = w;
    if (modelWindow) this.modelWindows = this.modelWindows.filter((w) => w.endSeconds > modelWindow!.endSeconds - 1e-9);
    const modelProbability = this.model ? (modelWindow?.probability ?? 0) : null;
    const score =
      modelProbability === null
        ? this.patternWeight * pattern
        : 1 - (1 - this.patternWeight * pattern) * (1 - this.modelWeight * modelProbability);
    this.recentTicks.push(score >= this.onThreshold);
    if (this.recentTicks.length > this.m) this.recentTicks.shift();
    if (!this.active) {
      if (this.recentTicks.filter(Boolean).length >= this.n) {
        this.active = true;
        this.clearTicks = 0;
        const onset = pattern > 0 && this.lastMatch ? this.lastMatch.onset : (modelWindow?.startSeconds ?? t);
        return { type: 'onset', timeSeconds: onset, decidedAtSeconds: t, confidence: score, patternConfidence: pattern, modelProbability, label: 'fire_alarm' };
      }
      return null;
    }
    this.clearTicks = score < this.offThreshold ? this.clearTicks + 1 : 0;
    if (this.clearTicks >= this.m) {
      this.active = false;
      this.recentTicks.length = 0;
      return { type: 'offset', timeSeconds: t, decidedAtSeconds: t, confidence: 1 - score, patternConfidence: pattern, modelProbability, label: 'fire_alarm' };
    }
    return null;
  }
}
