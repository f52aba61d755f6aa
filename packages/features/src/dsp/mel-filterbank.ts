import type { MelNorm, MelScale } from '@noise-classifier/config';
import { kaldiMelBanksDense, kaldiMelPointsHz } from './kaldi-mel-banks';
import { hzToMel } from './mel-scale';

export interface MelFilterbankOptions {
  /** Number of one-sided FFT bins, nFft / 2 + 1. */
  readonly nFreqs: number;
  readonly fMin: number;
  readonly fMax: number;
  readonly nMels: number;
  readonly sampleRate: number;
  readonly norm?: MelNorm;
  readonly melScale?: MelScale;
}

/**
 * A mel filterbank keeping only each band's non-zero run of bins: band m covers bins
 * `start[m] … start[m] + length[m] - 1` with weights `weights[offset[m] …]`. Triangles overlap only their
 * neighbours, so there are about two weights per FFT bin instead of nMels.
 */
export interface SparseMelFilterbank {
  readonly nFreqs: number;
  readonly nMels: number;
  readonly start: Int32Array;
  readonly length: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float32Array;
  /** Band edges and centres in Hz (nMels + 2 points), torchaudio's f_pts. */
  readonly pointsHz: Float32Array;
}

const f32 = Math.fround;

/** float32 fused multiply-add: the product of two float32 values is exact in float64. */
function fma32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * torch.linspace in float32 on an AVX2 CPU, bit for bit: step = (end − start) / (steps − 1); the first
 * half counts from `start`, the second from `end`; vector chunks of 8 start from a fused-multiply-add
 * base and add k·step without fusion. Matching this matters: a one-ulp shift of a band edge changes
 * a near-zero edge weight by ~1e-3 relative, which shows in bands dominated by that edge bin.
 */
function linspace32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const at = (i: number) => (i < halfway ? fma32(step, i, s) : fma32(-step, steps - i - 1, e));
  let i = 0;
  for (; i + 16 <= steps; i += 8) {
    const base = at(i);
    out[i] = base;
    for (let k = 1; k < 8; k++) out[i + k] = f32(base + f32(k * step));
  }
  for (; i < steps; i++) out[i] = at(i);
  return out;
}

const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_MEL = 1000 / SLANEY_F_SP;
const SLANEY_LOGSTEP = Math.log(6.4) / 27;

/** torchaudio _mel_to_hz on a float32 tensor, one float32 rounding per torch operation. */
function melToHz32(mel: number, scale: Exclude<MelScale, 'kaldi'>): number {
  if (scale === 'htk') return f32(700 * f32(f32(10 ** f32(mel / 2595)) - 1));
  if (mel >= f32(SLANEY_MIN_LOG_MEL)) {
    return f32(1000 * f32(Math.exp(f32(f32(SLANEY_LOGSTEP) * f32(mel - f32(SLANEY_MIN_LOG_MEL))))));
  }
  return f32(0 + f32(f32(SLANEY_F_SP) * mel));
}

function filterPoints(options: MelFilterbankOptions): { freqs: Float32Array; points: Float32Array } {
  const scale = options.melScale ?? 'htk';
  if (scale === 'kaldi') return { freqs: new Float32Array(0), points: kaldiMelPointsHz(options) };
  // torchaudio uses sample_rate // 2 as the top of the FFT frequency axis.
  const freqs = linspace32(0, Math.floor(options.sampleRate / 2), options.nFreqs);
  const mels = linspace32(hzToMel(options.fMin, scale), hzToMel(options.fMax, scale), options.nMels + 2);
  const points = mels.map((mel) => melToHz32(mel, scale));
  return { freqs, points };
}

/**
 * torchaudio.functional.melscale_fbanks as a dense [nFreqs × nMels] matrix (row-major): triangles
 * between mel-spaced points, optional Slaney area normalisation, in torch's float32 arithmetic
 * (see `linspace32`; pow and exp are correctly rounded here where torch uses SLEEF, ≤ 1 ulp apart).
 * melScale 'kaldi': torchaudio.compliance.kaldi.get_mel_banks plus a zero Nyquist row (see kaldi-mel-banks.ts).
 */
export function melFilterbankDense(options: MelFilterbankOptions): Float32Array {
  const { nFreqs, nMels } = options;
  if (options.melScale === 'kaldi') return kaldiMelBanksDense(options);
  const fb = new Float32Array(nFreqs * nMels);
  const { freqs, points } = filterPoints(options); // nFreqs frequencies, nMels + 2 points
  for (let m = 0; m < nMels; m++) {
    const lowerDiff = f32(points[m + 1]! - points[m]!);
    const upperDiff = f32(points[m + 2]! - points[m + 1]!);
    const enorm = options.norm === 'slaney' ? f32(2 / f32(points[m + 2]! - points[m]!)) : 1;
    for (let k = 0; k < nFreqs; k++) {
      const down = f32(-f32(points[m]! - freqs[k]!) / lowerDiff);
      const up = f32(f32(points[m + 2]! - freqs[k]!) / upperDiff);
      const w = Math.max(0, Math.min(down, up));
      fb[k * nMels + m] = options.norm === 'slaney' ? f32(w * enorm) : w;
    }
  }
  return fb;
}

/** The same filterbank as `melFilterbankDense`, keeping each band's contiguous non-zero bins only. */
export function melFilterbank(options: MelFilterbankOptions): SparseMelFilterbank {
  const { nFreqs, nMels } = options;
  const dense = melFilterbankDense(options);
  const start = new Int32Array(nMels);
  const length = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const runs: number[] = [];
  for (let m = 0; m < nMels; m++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < nFreqs; k++) {
      if (dense[k * nMels + m] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    const runStart = first < 0 ? 0 : first;
    const runLength = first < 0 ? 0 : last - first + 1;
    start[m] = runStart;
    length[m] = runLength;
    offset[m] = runs.length;
    for (let k = runStart; k < runStart + runLength; k++) runs.push(dense[k * nMels + m]!);
  }
  return {
    nFreqs,
    nMels,
    start,
    length,
    offset,
    weights: Float32Array.from(runs),
    pointsHz: filterPoints(options).points,
  };
}

/**
 * The filterbank regrouped per FFT bin, for a fused power → mel pass: bin k adds `lower[k]·P[k]` to
 * band `band[k]` and `upper[k]·P[k]` to band `band[k] + 1`. Mel triangles overlap only their
 * neighbours, so every bin feeds at most two adjacent bands, and `band` never decreases with k
 * (bins without weight repeat the previous band with zero weights). Accumulators need nMels + 1 slots.
 */
export interface BinPairWeights {
  readonly nMels: number;
  readonly band: Int32Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Returns the per-bin form of `fb`, or null when some bin feeds more than two or non-adjacent bands.
 * `fb` is one melFilterbank built: its runs (start, length, offset) lie inside [0, nFreqs) and its weights.
 */
export function toBinPairs(fb: SparseMelFilterbank): BinPairWeights | null {
  const band = new Int32Array(fb.nFreqs).fill(-1);
  const lower = new Float64Array(fb.nFreqs);
  const upper = new Float64Array(fb.nFreqs);
  for (let m = 0; m < fb.nMels; m++) {
    for (let j = 0; j < fb.length[m]!; j++) {
      const k = fb.start[m]! + j;
      const w = fb.weights[fb.offset[m]! + j]!;
      if (w === 0) continue;
      if (band[k]! < 0) {
        band[k] = m;
        lower[k] = w;
      } else if (band[k] === m - 1 && upper[k] === 0) {
        upper[k] = w;
      } else {
        return null;
      }
    }
  }
  for (let k = 0; k < fb.nFreqs; k++) {
    if (band[k]! < 0) band[k] = k === 0 ? 0 : band[k - 1]!;
    else if (k > 0 && band[k]! < band[k - 1]!) return null;
  }
  return { nMels: fb.nMels, band, lower, upper };
}

/**
 * Sets `acc[0 … nMels]` to the mel power of one frame from its power spectrum. Running sums for the two
 * bands in play stay in registers and are flushed when the band changes, so the loop makes no memory
 * round trips per bin (a per-bin `acc[b] += …` is ~3× slower from store-to-load stalls).
 * Indices: band, lower, upper and power hold one entry per bin, band[k] is in [0, nMels), acc has ≥ nMels + 1 entries.
 */
export function accumulateMel(weights: BinPairWeights, power: Float64Array, acc: Float64Array): void {
  const { band, lower, upper } = weights;
  acc.fill(0, 0, weights.nMels + 1);
  let current = band[0]!;
  let sumLower = 0;
  let sumUpper = 0;
  for (let k = 0; k < band.length; k++) {
    const j = band[k]!;
    if (j !== current) {
      acc[current]! += sumLower;
      acc[current + 1]! += sumUpper;
      sumLower = 0;
      sumUpper = 0;
      current = j;
    }
    const p = power[k]!;
    sumLower += lower[k]! * p;
    sumUpper += upper[k]! * p;
  }
  acc[current]! += sumLower;
  acc[current + 1]! += sumUpper;
}
