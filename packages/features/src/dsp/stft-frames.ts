import { NoiseClassifierError, type PadMode } from '@noise-classifier/config';

/** Frame layout of torch.stft: `center` pads floor(nFft / 2) samples on both sides. */
export interface FrameLayout {
  readonly nFft: number;
  readonly hopLength: number;
  readonly center: boolean;
  readonly padMode: PadMode;
  /** A pre-emphasis coefficient shortens the signal by one sample before framing (valid 2-tap filter). */
  readonly preEmphasis?: number | null;
}

/** Samples lost before framing: one with pre-emphasis. */
function emphasisLoss(layout: FrameLayout): number {
  return layout.preEmphasis === null || layout.preEmphasis === undefined ? 0 : 1;
}

export function stftPadding(layout: FrameLayout): number {
  return layout.center ? Math.floor(layout.nFft / 2) : 0;
}

/**
 * Number of STFT frames for `numSamples` input samples: 1 + floor((n + 2·pad − nFft) / hop), where n is one
 * less with pre-emphasis; 0 if too short.
 */
export function stftFrameCount(numSamples: number, layout: FrameLayout): number {
  const n = numSamples - emphasisLoss(layout);
  const padded = n + 2 * stftPadding(layout);
  if (n <= 0 || padded < layout.nFft) return 0;
  return 1 + Math.floor((padded - layout.nFft) / layout.hopLength);
}

/** Smallest input the layout accepts: reflect padding (torch's F.pad) needs more samples than the pad. */
export function minimumSamples(layout: FrameLayout): number {
  const pad = stftPadding(layout);
  const framed = !layout.center ? layout.nFft : layout.padMode === 'reflect' ? pad + 1 : 1;
  return framed + emphasisLoss(layout);
}

export function checkLength(numSamples: number, layout: FrameLayout): void {
  const min = minimumSamples(layout);
  if (numSamples >= min) return;
  const why = !layout.center
    ? 'without center padding a frame needs nFft samples'
    : `reflect padding of nFft / 2 = ${stftPadding(layout)} samples needs more samples than that (torch.stft raises here too); use padMode 'constant' or 'replicate', or pad the audio`;
  const emphasis = emphasisLoss(layout) > 0 ? ' (pre-emphasis takes one sample)' : '';
  throw new NoiseClassifierError('E_BAD_AUDIO', `Audio is too short for the STFT: ${why}${emphasis}`, {
    field: 'audio',
    expected: `at least ${min} samples`,
    received: `${numSamples} samples`,
  });
}

/**
 * Writes `samples` with torch.stft's centre padding into `out` (length n + 2·pad), which the caller reuses.
 * reflect: x[-k] = x[k]; replicate: edge value; constant: zeros.
 */
export function padSignal(samples: Float32Array, pad: number, mode: PadMode, out: Float32Array): void {
  out.set(samples, pad);
  padEdgesInPlace(out, pad, samples.length, mode);
}

/** The same padding when the n signal samples already sit at `out[pad … pad + n)` (e.g. written by pre-emphasis). */
export function padEdgesInPlace(out: Float32Array, pad: number, n: number, mode: PadMode): void {
  const first = pad;
  const last = pad + n - 1;
  for (let k = 1; k <= pad; k++) {
    let left: number;
    let right: number;
    if (mode === 'reflect') {
      left = out[first + k]!;
      right = out[last - k]!;
    } else if (mode === 'replicate') {
      left = out[first]!;
      right = out[last]!;
    } else {
      left = 0;
      right = 0;
    }
    out[first - k] = left;
    out[last + k] = right;
  }
}

/**
 * EfficientAT's pre-emphasis, conv1d with kernel [−c, 1]: out[offset + i] = x[i + 1] − c·x[i] for i < n − 1,
 * in float32 like torch: c rounded to float32, the product rounded, then the difference (measured against the
 * reference tensors: this matches them twice as closely as one fused rounding).
 */
export function preEmphasisInto(samples: Float32Array, coefficient: number, out: Float32Array, offset: number): void {
  const c = Math.fround(coefficient);
  const n = samples.length - 1;
  let previous = samples[0]!;
  for (let i = 0; i < n; i++) {
    const next = samples[i + 1]!;
    out[offset + i] = next - Math.fround(c * previous);
    previous = next;
  }
}
