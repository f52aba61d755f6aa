import { ISO_8201_T3, type T3Timing } from '../synthetic/alarm-pattern';
import type { ToneFrame } from './tone-tracker';

export interface TonePulse {
  readonly start: number;
  readonly end: number;
  /** Median peak frequency, Hz. */
  readonly frequency: number;
  /** Mean tone score over the pulse, dB. */
  readonly scoreDb: number;
}

export interface T3Match {
  /** Start of the first pulse of the cycle, seconds. */
  readonly onset: number;
  /** When the match became certain (end of the minimum pause), seconds. */
  readonly detectedAt: number;
  readonly pulses: readonly [TonePulse, TonePulse, TonePulse];
  /** 0…1: timing fit and tone strength combined. */
  readonly confidence: number;
}

export interface T3MatcherOptions {
  timing?: T3Timing;
  /** Relative timing tolerance (default 0.2 = ±20%). */
  tolerance?: number;
  /** Tone score to switch a pulse on / off, dB (hysteresis; defaults 11 / 8: broadband noise scores ~6 dB median, 10 dB at its 99th percentile). */
  onDb?: number;
  offDb?: number;
  /** Dropouts shorter than this inside a pulse are bridged, s (default 0.06). */
  bridgeSeconds?: number;
  /** Frequencies of the three pulses may differ by this fraction (default 0.04). */
  frequencyTolerance?: number;
}

/**
 * Turns tone frames into on/off pulses (threshold with hysteresis, short dropouts bridged) and recognises the
 * ISO 8201 temporal-three pattern: three pulses of ~0.5 s separated by ~0.5 s, preceded and followed by a pause of
 * ~1.5 s (the pause before the first pulse may be any length ≥ the minimum, e.g. the alarm just started).
 * Requiring both pauses rejects a steady 1 Hz beeper (reversing vehicles, microwave ovens).
 */
export class T3Matcher {
  private readonly timing: T3Timing;
  private readonly tol: number;
  private readonly onDb: number;
  private readonly offDb: number;
  private readonly bridge: number;
  private readonly freqTol: number;
  /** Current pulse candidate; it opens with one frame, so freqs is never empty. */
  private open: { start: number; lastOn: number; freqs: [number, ...number[]]; scores: number[] } | null = null;
  private readonly pulses: TonePulse[] = [];
  private readonly recent: number[] = [];
  private readonly evaluated = new WeakSet<TonePulse>();

  constructor(options: T3MatcherOptions = {}) {
    this.timing = options.timing ?? ISO_8201_T3;
    this.tol = options.tolerance ?? 0.2;
    this.onDb = options.onDb ?? 11;
    this.offDb = options.offDb ?? 8;
    this.bridge = options.bridgeSeconds ?? 0.06;
    this.freqTol = options.frequencyTolerance ?? 0.04;
  }

  /** Feeds frames; returns the cycles recognised. */
  push(frames: readonly ToneFrame[]): T3Match[] {
    const matches: T3Match[] = [];
    for (const f of frames) {
      this.recent.push(f.scoreDb);
      if (this.recent.length > 3) this.recent.shift();
      // Median of the last three frames (1–3 scores, one just pushed): one lucky noise frame cannot open a pulse.
      const smoothed = [...this.recent].sort((a, b) => a - b)[this.recent.length >> 1]!;
      if (this.open) {
        // Continuing needs the same tone: a score above offDb at (nearly) the pulse's frequency.
        const reference = this.open.freqs[0];
        if (f.scoreDb >= this.offDb && Math.abs(f.frequency - reference) <= reference * this.freqTol) {
          this.open.lastOn = f.time;
          this.open.freqs.push(f.frequency);
          this.open.scores.push(f.scoreDb);
        } else if (f.time - this.open.lastOn > this.bridge) {
          this.closePulse();
        }
      } else if (smoothed >= this.onDb) {
        this.open = { start: f.time, lastOn: f.time, freqs: [f.frequency], scores: [f.scoreDb] };
      }
      const m = this.check(f.time);
      if (m) matches.push(m);
    }
    return matches;
  }

  private closePulse(): void {
    const o = this.open!;
    this.open = null;
    // Quantiles of a non-empty list: every index below is < freqs.length.
    const freqs = [...o.freqs].sort((a, b) => a - b);
    const pulse: TonePulse = {
      start: o.start,
      end: o.lastOn,
      frequency: freqs[freqs.length >> 1]!,
      scoreDb: o.scores.reduce((a, b) => a + b, 0) / o.scores.length,
    };
    // Too short, or a wobbling peak: not a sounder pulse. Dropped entirely, so a raindrop or a click in a gap or
    // in the pause does not break the pattern (the beeper test relies on valid pulses only).
    const spread = (freqs[Math.floor(freqs.length * 0.9)]! - freqs[Math.floor(freqs.length * 0.1)]!) / pulse.frequency;
    if (pulse.end - pulse.start < 0.1 || spread > this.freqTol) return;
    this.pulses.push(pulse);
  }

  /**
   * Looks for cycle ends: a pulse followed by at least the minimum pause with no pulse of the same tone. Pulses of
   * other frequencies (a baby's cry, a squeal) are ignored, so they can neither fill the gaps nor break the pause.
   */
  private check(now: number): T3Match | null {
    if (this.open) return null;
    const { pulseSeconds, gapSeconds, pauseSeconds } = this.timing;
    const pauseMin = pauseSeconds * (1 - this.tol);
    // Forget the leading pulses that can no longer be part of a cycle.
    const horizon = now - (3 * pulseSeconds + 2 * gapSeconds) * (1 + this.tol) - 2 * pauseSeconds - 1;
    const firstKept = this.pulses.findIndex((p) => p.end >= horizon);
    this.pulses.splice(0, firstKept < 0 ? this.pulses.length : firstKept);
    const sameTone = (a: TonePulse, b: TonePulse) => Math.abs(a.frequency - b.frequency) <= b.frequency * this.freqTol;
    for (const p3 of this.pulses) {
      if (this.evaluated.has(p3) || now - p3.end < pauseMin) continue;
      this.evaluated.add(p3);
      const tone = this.pulses.filter((p) => sameTone(p, p3));
      if (tone.some((p) => p.start > p3.end && p.start - p3.end < pauseMin)) continue; // not followed by a pause
      const match = this.matchEndingWith(p3, tone, pauseMin);
      if (match) return { ...match, detectedAt: now };
    }
    return null;
  }

  private matchEndingWith(p3: TonePulse, tone: readonly TonePulse[], pauseMin: number): Omit<T3Match, 'detectedAt'> | null {
    const { pulseSeconds, gapSeconds } = this.timing;
    // Frame quantisation and the sounder's ramps blur edges by a couple of hops: allow 40 ms on top of ±tol.
    const slack = 0.04;
    const within = (value: number, nominal: number) => Math.abs(value - nominal) <= nominal * this.tol + slack;
    const before = (p: TonePulse) => tone.filter((q) => q.end <= p.start + 1e-9);
    if (!within(p3.end - p3.start, pulseSeconds)) return null;
    for (const p2 of before(p3)) {
      if (!within(p2.end - p2.start, pulseSeconds) || !within(p3.start - p2.end, gapSeconds)) continue;
      for (const p1 of before(p2)) {
        if (!within(p1.end - p1.start, pulseSeconds) || !within(p2.start - p1.end, gapSeconds)) continue;
        // The cycle must start after a pause too (not in the middle of a steady beeper).
        if (before(p1).some((q) => p1.start - q.end < pauseMin)) continue;
        const durations = [p1.end - p1.start, p2.end - p2.start, p3.end - p3.start];
        const gaps = [p2.start - p1.end, p3.start - p2.end];
        const deviations = [
          ...durations.map((d) => Math.abs(d - pulseSeconds) / (pulseSeconds * this.tol + slack)),
          ...gaps.map((g) => Math.abs(g - gapSeconds) / (gapSeconds * this.tol + slack)),
        ];
        const fit = 1 - Math.max(...deviations);
        const strength = Math.min(1, Math.max(0, (Math.min(p1.scoreDb, p2.scoreDb, p3.scoreDb) - this.onDb) / 12));
        return { onset: p1.start, pulses: [p1, p2, p3], confidence: Math.min(1, 0.55 + 0.25 * fit + 0.2 * strength) };
      }
    }
    return null;
  }
}
