import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import { checkSamples } from '../io/prepare-audio';
import { resolveRandom, type RandomOptions } from './random';

function finite(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NoiseClassifierError('E_CONFIG', `${name} must be a finite number`, { field: name, expected: 'a finite number', received: describeValue(value) });
  }
  return value;
}

export interface GainOptions extends RandomOptions {
  /** Gain range in dB, drawn uniformly (e.g. −6 to +6). */
  readonly minDb: number;
  readonly maxDb: number;
}

/** Multiplies by a random gain in [minDb, maxDb) dB. No clipping: samples are floats. */
export function randomGain(samples: Float32Array, options: GainOptions): { samples: Float32Array; gainDb: number } {
  checkSamples(samples, 'samples');
  const minDb = finite('minDb', options.minDb);
  const maxDb = finite('maxDb', options.maxDb);
  if (maxDb < minDb) throw new NoiseClassifierError('E_CONFIG', 'maxDb must be ≥ minDb', { field: 'maxDb', expected: `≥ ${minDb}`, received: String(maxDb) });
  const gainDb = resolveRandom(options, 'randomGain').uniform(minDb, maxDb);
  const factor = 10 ** (gainDb / 20);
  return { samples: samples.map((x) => x * factor), gainDb };
}

export interface TimeShiftOptions extends RandomOptions {
  /** Largest shift in samples either way; the shift is drawn uniformly from [−maxShift, maxShift]. */
  readonly maxShift: number;
  /** 'roll' wraps samples around (default); 'pad' shifts in zeros and drops what falls off. */
  readonly mode?: 'roll' | 'pad';
}

/** Shifts in time by a random whole number of samples (positive = later). */
export function timeShift(samples: Float32Array, options: TimeShiftOptions): { samples: Float32Array; shift: number } {
  checkSamples(samples, 'samples');
  const maxShift = finite('maxShift', options.maxShift);
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new NoiseClassifierError('E_CONFIG', 'maxShift must be a non-negative integer', { field: 'maxShift', expected: 'an integer ≥ 0', received: String(maxShift) });
  const mode = options.mode ?? 'roll';
  if (mode !== 'roll' && mode !== 'pad') throw new NoiseClassifierError('E_CONFIG', 'Unknown time shift mode', { field: 'mode', expected: "'roll' or 'pad'", received: describeValue(mode) });
  const shift = resolveRandom(options, 'timeShift').int(-maxShift, maxShift);
  const n = samples.length;
  const out = new Float32Array(n);
  if (mode === 'roll') {
    const k = ((shift % n) + n) % n;
    out.set(samples.subarray(n - k), 0);
    out.set(samples.subarray(0, n - k), k);
  } else if (shift >= 0) {
    out.set(samples.subarray(0, Math.max(0, n - shift)), Math.min(n, shift));
  } else {
    out.set(samples.subarray(Math.min(n, -shift)), 0);
  }
  return { samples: out, shift };
}

export interface NoiseOptions extends RandomOptions {
  /** Signal-to-noise ratio of the result in dB (signal power over added noise power). */
  readonly snrDb: number;
  /** Noise to add (looped from a random offset to the signal's length); default white Gaussian noise. */
  readonly noise?: Float32Array;
}

function power(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return s / x.length;
}

/**
 * Adds noise scaled so that 10·log10(P_signal / P_noise) = snrDb exactly (powers measured over the clip).
 * A silent signal has no SNR to aim at and is returned unchanged (as a copy).
 */
export function addNoise(samples: Float32Array, options: NoiseOptions): { samples: Float32Array; noiseGain: number } {
  checkSamples(samples, 'samples');
  const snrDb = finite('snrDb', options.snrDb);
  const random = resolveRandom(options, 'addNoise');
  const n = samples.length;
  const noise = new Float32Array(n);
  if (options.noise) {
    checkSamples(options.noise, 'noise');
    const source = options.noise;
    const offset = random.int(0, source.length - 1);
    // source is non-empty (checkSamples), so the index modulo its length is inside it.
    for (let i = 0; i < n; i++) noise[i] = source[(offset + i) % source.length]!;
  } else {
    for (let i = 0; i < n; i++) noise[i] = random.normal();
  }
  const ps = power(samples);
  const pn = power(noise);
  if (ps === 0) return { samples: samples.slice(), noiseGain: 0 };
  if (pn === 0) throw new NoiseClassifierError('E_BAD_AUDIO', 'Noise is silent over the clip', { field: 'noise', expected: 'noise with non-zero power', received: 'all zeros' });
  const noiseGain = Math.sqrt(ps / (pn * 10 ** (snrDb / 10)));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = samples[i]! + noiseGain * noise[i]!;
  return { samples: out, noiseGain };
}
