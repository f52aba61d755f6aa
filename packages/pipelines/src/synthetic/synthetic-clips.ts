import { NoiseClassifierError, checkInteger, checkNumber } from '@noise-classifier/config';
import { ISO_8201_T3, t3CycleSeconds, t3PulseOffsets, type T3Timing } from './alarm-pattern';
import { NOISE_COLOUR_EXPONENTS, powerLawNoise } from './coloured-noise';
import type { Random } from '@noise-classifier/features';
import { createPrng } from './prng';

/**
 * Sounds that can honestly be synthesised. Everything else in the taxonomy (traffic, rain, dogs…) needs real
 * recordings. `mains_hum` has no taxonomy label: a hum is part of many classes (generator, hvac_fan,
 * refrigerator…) without being any one of them, so it is produced unlabelled, as a distractor.
 */
export const SYNTHETIC_KINDS = [
  'white_noise',
  'pink_noise',
  'brown_noise',
  'blue_noise',
  'silence',
  'fire_alarm',
  'mains_hum',
] as const;

export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** Taxonomy label of each kind (null: unlabelled distractor). */
export const SYNTHETIC_LABELS: Readonly<Record<SyntheticKind, string | null>> = Object.freeze({
  white_noise: 'white_noise',
  pink_noise: 'pink_noise',
  brown_noise: 'brown_noise',
  blue_noise: 'blue_noise',
  silence: 'silence',
  fire_alarm: 'fire_alarm',
  mains_hum: null,
});

export interface SyntheticClip {
  readonly kind: SyntheticKind;
  readonly label: string | null;
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly durationSeconds: number;
  readonly seed: number;
  /** fire_alarm only: start times (s) of every pulse inside the clip. */
  readonly pulseOnsets?: readonly number[];
  /** fire_alarm only: start times (s) of every complete T3 cycle inside the clip. */
  readonly cycleOnsets?: readonly number[];
}

export interface SyntheticClipOptions {
  sampleRate?: number;
  durationSeconds?: number;
  seed?: number;
  /** RMS level in dBFS; random in a plausible range when omitted. */
  levelDb?: number;
  /** fire_alarm: tone frequency in Hz (default random in 2.9–3.3 kHz, the range of piezo smoke-alarm sounders). */
  alarmFrequency?: number;
  /** fire_alarm: pattern timing (default ISO 8201). */
  alarmTiming?: T3Timing;
  /** fire_alarm: time into the cycle at which the clip starts, s (default random). */
  alarmPhaseSeconds?: number;
  /** mains_hum: 50 or 60 Hz (default random). */
  mainsFrequency?: 50 | 60;
}

function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** One labelled clip, identical for identical (kind, options). */
export function generateSyntheticClip(kind: SyntheticKind, options: SyntheticClipOptions = {}): SyntheticClip {
  if (!SYNTHETIC_KINDS.includes(kind)) {
    throw new NoiseClassifierError('E_LABEL', `Unknown synthetic kind ${String(kind)}`, {
      field: 'kind',
      expected: `one of ${SYNTHETIC_KINDS.join(', ')}`,
      received: String(kind),
    });
  }
  const sampleRate = checkInteger('sampleRate', options.sampleRate ?? 48_000, 8_000, 384_000);
  const durationSeconds = checkNumber('durationSeconds', options.durationSeconds ?? 5, { min: 0, minExclusive: true, max: 600 });
  const seed = checkInteger('seed', options.seed ?? 0, 0, 2 ** 32 - 1);
  const length = Math.round(durationSeconds * sampleRate);
  const prng = createPrng(seed);
  let samples: Float32Array;
  let extra: Pick<SyntheticClip, 'pulseOnsets' | 'cycleOnsets'> = {};
  switch (kind) {
    case 'white_noise':
    case 'pink_noise':
    case 'brown_noise':
    case 'blue_noise': {
      samples = powerLawNoise(length, NOISE_COLOUR_EXPONENTS[kind], sampleRate, prng);
      scaleInPlace(samples, dbToGain(options.levelDb ?? prng.uniform(-30, -12)));
      break;
    }
    case 'silence':
      samples = silence(length, sampleRate, prng, options.levelDb);
      break;
    case 'fire_alarm': {
      const alarm = t3Alarm(length, sampleRate, prng, options);
      samples = alarm.samples;
      extra = { pulseOnsets: alarm.pulseOnsets, cycleOnsets: alarm.cycleOnsets };
      break;
    }
    case 'mains_hum':
      samples = mainsHum(length, sampleRate, prng, options);
      break;
  }
  return Object.freeze({ kind, label: SYNTHETIC_LABELS[kind], samples, sampleRate, durationSeconds: length / sampleRate, seed, ...extra });
}

function scaleInPlace(x: Float32Array, gain: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= gain;
}

/** Digital zero half the time, otherwise a very low noise floor (−90…−70 dBFS), as real "silent" rooms have. */
function silence(length: number, sampleRate: number, prng: Random, levelDb?: number): Float32Array {
  if (levelDb === undefined && prng.next() < 0.5) return new Float32Array(length);
  const floor = powerLawNoise(length, prng.uniform(0, 1), sampleRate, prng);
  scaleInPlace(floor, dbToGain(levelDb ?? prng.uniform(-90, -70)));
  return floor;
}

/** Piezo sounder: a near-square tone (odd harmonics) gated by the T3 pattern with 5 ms raised-cosine ramps. */
function t3Alarm(length: number, sampleRate: number, prng: Random, options: SyntheticClipOptions) {
  const timing = options.alarmTiming ?? ISO_8201_T3;
  const cycle = t3CycleSeconds(timing);
  const frequency = options.alarmFrequency ?? prng.uniform(2900, 3300);
  const phase = options.alarmPhaseSeconds ?? prng.uniform(0, cycle);
  const gain = dbToGain(options.levelDb ?? prng.uniform(-20, -6));
  const ramp = 0.005;
  const offsets = t3PulseOffsets(timing);
  const harmonics = [1, 3, 5].filter((h) => h * frequency < sampleRate / 2);
  const samples = new Float32Array(length);
  const pulseOnsets: number[] = [];
  const cycleOnsets: number[] = [];
  const duration = length / sampleRate;
  for (let c = Math.floor(phase / cycle); ; c++) {
    const cycleStart = c * cycle - phase;
    if (cycleStart >= duration) break;
    if (cycleStart >= 0 && cycleStart + cycle <= duration + 1e-9) cycleOnsets.push(cycleStart);
    for (const offset of offsets) {
      const start = cycleStart + offset;
      const end = start + timing.pulseSeconds;
      if (end <= 0 || start >= duration) continue;
      if (start >= 0) pulseOnsets.push(start);
      const i0 = Math.max(0, Math.ceil(start * sampleRate));
      const i1 = Math.min(length, Math.ceil(end * sampleRate));
      for (let i = i0; i < i1; i++) {
        const t = i / sampleRate;
        const fromEdge = Math.min(t - start, end - t);
        const envelope = fromEdge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * Math.max(0, fromEdge)) / ramp);
        let v = 0;
        for (const h of harmonics) v += Math.sin(2 * Math.PI * h * frequency * t) / h;
        samples[i] = gain * envelope * v;
      }
    }
  }
  return { samples, pulseOnsets, cycleOnsets };
}

/** Mains hum: the fundamental and harmonics up to 8×, falling ~1/k with random phases, over a faint pink floor. */
function mainsHum(length: number, sampleRate: number, prng: Random, options: SyntheticClipOptions): Float32Array {
  const f0 = options.mainsFrequency ?? (prng.next() < 0.5 ? 50 : 60);
  const gain = dbToGain(options.levelDb ?? prng.uniform(-30, -12));
  const floor = powerLawNoise(length, 1, sampleRate, prng); // length values, as out below
  const parts = Array.from({ length: 8 }, (_, k) => ({
    f: f0 * (k + 1),
    a: (k === 1 ? 0.8 : 1) / (k + 1),
    phi: prng.uniform(0, 2 * Math.PI),
  }));
  const out = new Float32Array(length);
  let energy = 0;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    let v = 0.01 * floor[i]!;
    for (const p of parts) v += p.a * Math.sin(2 * Math.PI * p.f * t + p.phi);
    out[i] = v;
    energy += v * v;
  }
  const rms = Math.sqrt(energy / Math.max(1, length));
  scaleInPlace(out, gain / rms);
  return out;
}

export interface SyntheticSetOptions extends Omit<SyntheticClipOptions, 'seed'> {
  kinds?: readonly SyntheticKind[];
  clipsPerKind?: number;
  seed?: number;
}

/** `clipsPerKind` clips of each kind, with per-clip seeds derived from `seed`. */
export function generateSyntheticSet(options: SyntheticSetOptions = {}): SyntheticClip[] {
  const { kinds = SYNTHETIC_KINDS, clipsPerKind = 4, seed = 0, ...clipOptions } = options;
  checkInteger('clipsPerKind', clipsPerKind, 1, 100_000);
  const clips: SyntheticClip[] = [];
  kinds.forEach((kind, k) => {
    for (let i = 0; i < clipsPerKind; i++) {
      const clipSeed = (seed * 1_000_003 + k * 10_007 + i) >>> 0;
      clips.push(generateSyntheticClip(kind, { ...clipOptions, seed: clipSeed }));
    }
  });
  return clips;
}

/**
 * Adds `background` to `target` so that the target's power over its active samples (|x| above 1% of peak, which
 * ignores an alarm's silent gaps) is `snrDb` above the background's mean power. Returns a new array of the
 * background's length (target zero-padded or cut).
 */
export function mixAtSnr(target: Float32Array, background: Float32Array, snrDb: number): Float32Array {
  let peak = 0;
  for (const v of target) peak = Math.max(peak, Math.abs(v));
  let targetPower = 0;
  let active = 0;
  for (const v of target) {
    if (Math.abs(v) > 0.01 * peak) {
      targetPower += v * v;
      active += 1;
    }
  }
  targetPower = active === 0 ? 0 : targetPower / active;
  let backgroundPower = 0;
  for (const v of background) backgroundPower += v * v;
  backgroundPower /= Math.max(1, background.length);
  const gain = targetPower === 0 || backgroundPower === 0 ? 1 : Math.sqrt((backgroundPower * Math.pow(10, snrDb / 10)) / targetPower);
  const out = Float32Array.from(background);
  const n = Math.min(out.length, target.length);
  for (let i = 0; i < n; i++) out[i]! += gain * target[i]!;
  return out;
}
