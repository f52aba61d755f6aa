import { MAX_SAMPLE_RATE, NoiseClassifierError, describeValue } from '@noise-classifier/config';

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side (torchaudio `lowpass_filter_width`, default 6). */
  readonly lowpassFilterWidth?: number;
  /** Cutoff as a fraction of the lower Nyquist frequency (torchaudio `rolloff`, default 0.99). */
  readonly rolloff?: number;
  /** Window of the sinc (torchaudio `resampling_method`, default 'sinc_interp_hann'). */
  readonly method?: 'sinc_interp_hann' | 'sinc_interp_kaiser';
  /** Kaiser beta (torchaudio default 14.769656459379492). */
  readonly beta?: number;
  /**
   * Largest phase table (in taps) to precompute; beyond it each output sample computes its own taps.
   * Only changes speed and memory, never the result. Default 4 194 304.
   */
  readonly maxTableTaps?: number;
}

/** Phase tables above this many taps are not cached; each output sample then computes its own taps. */
const MAX_TABLE_TAPS = 1 << 22;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function checkSampleRate(rate: unknown, field: string): number {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate <= 0 || rate > MAX_SAMPLE_RATE) {
    throw new NoiseClassifierError('E_SAMPLE_RATE', `Sample rate out of range`, {
      field,
      expected: `an integer number of Hz in 1..${MAX_SAMPLE_RATE}`,
      received: describeValue(rate),
    });
  }
  return rate;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Band-limited resampling with torchaudio.functional.resample's semantics (0.13): both rates are reduced by
 * their gcd to `orig`/`new`, a windowed-sinc kernel with cutoff `rolloff · min(orig, new)` and
 * `lowpassFilterWidth` zero crossings is built for each of the `new` output phases, the input is zero-padded
 * by `width` on the left and `width + orig` on the right, and the output keeps `ceil(n · to / from)` samples.
 *
 * Unlike torchaudio's dense `new × (2·width + orig)` kernel, each phase stores only its non-zero taps
 * (about 2·width of them), so co-prime rate pairs such as 44 101 → 48 000 Hz stay cheap.
 */
export function resample(samples: Float32Array | Float64Array | readonly number[], fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  checkSampleRate(fromRate, 'fromRate');
  checkSampleRate(toRate, 'toRate');
  const lowpassFilterWidth = options.lowpassFilterWidth ?? 6;
  const rolloff = options.rolloff ?? 0.99;
  if (!(lowpassFilterWidth > 0) || !Number.isFinite(lowpassFilterWidth)) {
    throw new NoiseClassifierError('E_CONFIG', 'lowpassFilterWidth must be positive', { field: 'lowpassFilterWidth', expected: 'a positive number', received: describeValue(lowpassFilterWidth) });
  }
  if (!(rolloff > 0 && rolloff <= 1)) {
    throw new NoiseClassifierError('E_CONFIG', 'rolloff must be in (0, 1]', { field: 'rolloff', expected: 'a number in (0, 1]', received: describeValue(rolloff) });
  }
  const n = samples.length;
  if (fromRate === toRate) return Float32Array.from(samples);
  // One concrete array type keeps the inner loop monomorphic (several times faster than a union).
  const x = samples instanceof Float64Array ? samples : Float64Array.from(samples);
  const g = gcd(fromRate, toRate);
  const orig = fromRate / g;
  const next = toRate / g;
  const base = Math.min(orig, next) * rolloff;
  const width = Math.ceil((lowpassFilterWidth * orig) / base);
  const outLength = Math.ceil((next * n) / orig);
  const out = new Float32Array(outLength);
  if (n === 0) return out;

  const kernel = makeKernel(orig, base, lowpassFilterWidth, options);
  // Taps of phase j cover input offsets i − width for i in [0, 2·width + orig); only |t| < lowpassFilterWidth is non-zero.
  const taps = 2 * width + orig;
  const phaseTaps = (j: number, into: Float64Array): { first: number; count: number } => {
    // t(i) = base · ((i − width)/orig − j/next); |t| < L ⇔ i within (lo, hi).
    const centre = width + (j * orig) / next;
    const half = (lowpassFilterWidth * orig) / base;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(taps - 1, Math.floor(centre + half));
    let count = 0;
    for (let i = first; i <= last; i++) into[count++] = kernel(base * ((i - width) / orig - j / next));
    return { first: first - width, count };
  };

  const maxCount = Math.ceil((2 * lowpassFilterWidth * orig) / base) + 2;
  const cache = next * maxCount <= (options.maxTableTaps ?? MAX_TABLE_TAPS);
  const table = cache ? new Float64Array(next * maxCount) : new Float64Array(maxCount);
  const firsts = new Int32Array(cache ? next : 1);
  const counts = new Int32Array(cache ? next : 1);
  if (cache) {
    for (let j = 0; j < next; j++) {
      const { first, count } = phaseTaps(j, table.subarray(j * maxCount, (j + 1) * maxCount));
      firsts[j] = first;
      counts[j] = count;
    }
  }

  if (cache) {
    convolveCached(x, out, table, firsts, counts, maxCount, orig, next);
  } else {
    for (let m = 0; m < outLength; m++) {
      const block = Math.floor(m / next);
      const { first, count } = phaseTaps(m - block * next, table);
      out[m] = dot(x, table, 0, block * orig + first, count);
    }
  }
  return out;
}

/**
 * Σ table[offset + k] · x[start + k] over the taps that land inside the input (outside is torchaudio's zero padding).
 * [lo, hi) keeps start + k inside x; offset + count stays inside the phase's slice of the table.
 */
function dot(x: Float64Array, table: Float64Array, offset: number, start: number, count: number): number {
  const lo = start < 0 ? -start : 0;
  const hi = Math.min(count, x.length - start);
  let acc = 0;
  for (let k = lo; k < hi; k++) acc += table[offset + k]! * x[start + k]!;
  return acc;
}

/**
 * Block by block, phase by phase: no division per sample, and a bounds-free inner loop away from the edges.
 * firsts and counts hold `next` phases; each phase's `count` ≤ `stride` taps sit at table[j · stride …].
 */
function convolveCached(x: Float64Array, out: Float32Array, table: Float64Array, firsts: Int32Array, counts: Int32Array, stride: number, orig: number, next: number): void {
  const n = x.length;
  for (let block = 0, m = 0; m < out.length; block++) {
    const base = block * orig;
    for (let j = 0; j < next && m < out.length; j++, m++) {
      const start = base + firsts[j]!;
      const count = counts[j]!;
      const offset = j * stride;
      if (start >= 0 && start + count <= n) {
        let acc = 0;
        for (let k = 0; k < count; k++) acc += table[offset + k]! * x[start + k]!;
        out[m] = acc;
      } else {
        out[m] = dot(x, table, offset, start, count);
      }
    }
  }
}

/** The windowed sinc of torchaudio's `_get_sinc_resample_kernel`, as a function of t (in zero crossings). */
function makeKernel(orig: number, base: number, lowpassFilterWidth: number, options: ResampleOptions): (t: number) => number {
  const scale = base / orig;
  const method = options.method ?? 'sinc_interp_hann';
  if (method === 'sinc_interp_kaiser') {
    const beta = options.beta ?? 14.769656459379492;
    const norm = besselI0(beta);
    return (t) => {
      const c = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, t));
      const r = c / lowpassFilterWidth;
      const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
      const x = c * Math.PI;
      return (x === 0 ? 1 : Math.sin(x) / x) * window * scale;
    };
  }
  if (method !== 'sinc_interp_hann') {
    throw new NoiseClassifierError('E_CONFIG', 'Unknown resampling method', { field: 'method', expected: "'sinc_interp_hann' or 'sinc_interp_kaiser'", received: describeValue(method) });
  }
  return (t) => {
    const c = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, t));
    const w = Math.cos((c * Math.PI) / lowpassFilterWidth / 2);
    const x = c * Math.PI;
    return (x === 0 ? 1 : Math.sin(x) / x) * w * w * scale;
  };
}
