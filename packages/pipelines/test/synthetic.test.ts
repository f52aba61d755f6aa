import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { t3IsOn } from '../src/synthetic/alarm-pattern';
import { generateSyntheticClip, generateSyntheticSet, mixAtSnr } from '../src/synthetic/synthetic-clips';

/** Welch PSD (Hann, 4096-point segments, 50% overlap). */
function welch(x: Float32Array, n = 4096): Float64Array {
  const fft = new FFT(n);
  const out = fft.createComplexArray() as number[];
  const psd = new Float64Array(n / 2 + 1);
  const frame = new Array<number>(n);
  let segments = 0;
  for (let s = 0; s + n <= x.length; s += n / 2) {
    for (let i = 0; i < n; i++) frame[i] = x[s + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    fft.realTransform(out, frame);
    for (let k = 0; k <= n / 2; k++) psd[k]! += out[2 * k]! ** 2 + out[2 * k + 1]! ** 2;
    segments++;
  }
  return psd.map((v) => v / segments);
}

/** Least-squares slope of 10·log10(PSD) against log10(f) over [f0, f1]: dB per decade. */
function slopeDbPerDecade(x: Float32Array, sampleRate: number, f0 = 100, f1 = 10_000): number {
  const n = 4096;
  const psd = welch(x, n);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 1; k < psd.length; k++) {
    const f = (k * sampleRate) / n;
    if (f >= f0 && f <= f1) {
      xs.push(Math.log10(f));
      ys.push(10 * Math.log10(psd[k]!));
    }
  }
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

describe('synthetic noise colours', () => {
  // PSD ∝ f^-β gives a slope of −10·β dB/decade. ±1.5 dB/decade absorbs the Welch estimate's variance
  // (a 5 s clip gives ~117 segments) while still separating neighbouring colours (10 dB/decade apart).
  const cases = [
    ['white_noise', 0],
    ['pink_noise', -10],
    ['brown_noise', -20],
    ['blue_noise', 10],
  ] as const;
  for (const [kind, expected] of cases) {
    it(`${kind} has a slope of ${expected} dB/decade`, () => {
      const clip = generateSyntheticClip(kind, { seed: 3, durationSeconds: 5 });
      expect(clip.label).toBe(kind);
      expect(slopeDbPerDecade(clip.samples, clip.sampleRate)).toBeCloseTo(expected, 0);
      expect(Math.abs(slopeDbPerDecade(clip.samples, clip.sampleRate) - expected)).toBeLessThan(1.5);
    });
  }

  it('is repeatable for a seed and different across seeds', () => {
    const a = generateSyntheticClip('pink_noise', { seed: 7, durationSeconds: 0.5 });
    const b = generateSyntheticClip('pink_noise', { seed: 7, durationSeconds: 0.5 });
    const c = generateSyntheticClip('pink_noise', { seed: 8, durationSeconds: 0.5 });
    expect(a.samples).toEqual(b.samples);
    expect(a.samples).not.toEqual(c.samples);
  });

  it('sets the requested RMS level', () => {
    const clip = generateSyntheticClip('white_noise', { seed: 1, durationSeconds: 1, levelDb: -20 });
    const rms = Math.sqrt(clip.samples.reduce((s, v) => s + v * v, 0) / clip.samples.length);
    expect(20 * Math.log10(rms)).toBeCloseTo(-20, 3);
  });
});

describe('T3 fire alarm', () => {
  it('follows ISO 8201: three 0.5 s pulses 0.5 s apart, then 1.5 s off (4 s cycle)', () => {
    const sr = 16_000;
    const clip = generateSyntheticClip('fire_alarm', { seed: 2, sampleRate: sr, durationSeconds: 8.5, alarmPhaseSeconds: 0, alarmFrequency: 3000, levelDb: -10 });
    expect(clip.pulseOnsets).toEqual([0, 1, 2, 4, 5, 6, 8]);
    expect(clip.cycleOnsets).toEqual([0, 4]);
    // Envelope via 10 ms RMS: on inside pulses, (near) zero in gaps and the pause.
    const rmsAt = (t: number) => {
      const i0 = Math.round(t * sr);
      let s = 0;
      for (let i = i0; i < i0 + 160; i++) s += clip.samples[i]! ** 2;
      return Math.sqrt(s / 160);
    };
    for (const t of [0.25, 1.25, 2.25, 4.1, 6.4]) expect(rmsAt(t)).toBeGreaterThan(0.1);
    for (const t of [0.7, 1.7, 2.7, 3.5, 4.7]) expect(rmsAt(t)).toBe(0);
    expect(t3IsOn(2.4)).toBe(true);
    expect(t3IsOn(3.0)).toBe(false);
  });

  it('puts the tone energy at the requested frequency', () => {
    const clip = generateSyntheticClip('fire_alarm', { seed: 5, durationSeconds: 4, alarmPhaseSeconds: 0, alarmFrequency: 3100 });
    const psd = welch(clip.samples);
    let peak = 1;
    for (let k = 1; k < psd.length; k++) if (psd[k]! > psd[peak]!) peak = k;
    expect(Math.abs((peak * clip.sampleRate) / 4096 - 3100)).toBeLessThan(12);
  });
});

describe('mains hum and silence', () => {
  it('mains hum is unlabelled and peaks at the mains frequency or a harmonic', () => {
    const clip = generateSyntheticClip('mains_hum', { seed: 4, durationSeconds: 4, mainsFrequency: 60 });
    expect(clip.label).toBeNull();
    const psd = welch(clip.samples, 16_384);
    let peak = 1;
    for (let k = 1; k < psd.length; k++) if (psd[k]! > psd[peak]!) peak = k;
    const f = (peak * clip.sampleRate) / 16_384;
    expect(Math.abs(f / 60 - Math.round(f / 60))).toBeLessThan(0.05);
  });

  it('silence stays below −60 dBFS', () => {
    for (let seed = 0; seed < 6; seed++) {
      const clip = generateSyntheticClip('silence', { seed, durationSeconds: 0.5 });
      const peak = clip.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeLessThan(10 ** (-50 / 20));
    }
  });

  it('builds a set with derived seeds and rejects unknown kinds', () => {
    const set = generateSyntheticSet({ kinds: ['white_noise', 'silence'], clipsPerKind: 3, durationSeconds: 0.2, seed: 9 });
    expect(set.map((c) => c.label)).toEqual(['white_noise', 'white_noise', 'white_noise', 'silence', 'silence', 'silence']);
    expect(new Set(set.map((c) => c.seed)).size).toBe(6);
    expect(() => generateSyntheticClip('thunder' as never)).toThrow(/E_LABEL|Unknown synthetic kind/);
  });
});

describe('mixAtSnr', () => {
  it('scales the target to the requested SNR over its active samples', () => {
    const bg = generateSyntheticClip('white_noise', { seed: 1, durationSeconds: 2, levelDb: -30 }).samples;
    const tone = generateSyntheticClip('fire_alarm', { seed: 1, durationSeconds: 2, alarmPhaseSeconds: 0, levelDb: -6 }).samples;
    const mixed = mixAtSnr(tone, bg, 0);
    const residual = mixed.map((v, i) => v - bg[i]!);
    const power = (x: Float32Array, pred: (i: number) => boolean) => {
      let s = 0;
      let n = 0;
      x.forEach((v, i) => {
        if (pred(i)) {
          s += v * v;
          n++;
        }
      });
      return s / n;
    };
    const peak = tone.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const active = (i: number) => Math.abs(tone[i]!) > 0.01 * peak;
    const snr = 10 * Math.log10(power(residual, active) / power(bg, () => true));
    expect(snr).toBeCloseTo(0, 1);
  });
});
