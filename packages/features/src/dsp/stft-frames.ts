import { NoiseClassifierError, type PadMode } from '@noise-classifier/config';

/** Frame layout of torch.stft: `center` pads floor(nFft / 2) samples on both sides. */
export interface FrameLayout {
  readonly nFft: number;
  readonly hopLength: number;
  readonly center: boolean;
  readonly padMode: PadMode;
}

export function stftPadding(layout: FrameLayout): number {
  return layout.center ? Math.floor(layout.nFft / 2) : 0;
}

/** Number of STFT frames for `numSamples` samples: 1 + floor((n + 2·pad − nFft) / hop); 0 if too short. */
export function stftFrameCount(numSamples: number, layout: FrameLayout): number {
  const padded = numSamples + 2 * stftPadding(layout);
  if (numSamples <= 0 || padded < layout.nFft) return 0;
  return 1 + Math.floor((padded - layout.nFft) / layout.hopLength);
}

/** Smallest input the layout accepts: reflect padding (torch's F.pad) needs more samples than the pad. */
export function minimumSamples(layout: FrameLayout): number {
  const pad = stftPadding(layout);
  if (!layout.center) return layout.nFft;
  return layout.padMode === 'reflect' ? pad + 1 : 1;
}

export function checkLength(numSamples: number, layout: FrameLayout): void {
  const min = minimumSamples(layout);
  if (numSamples >= min) return;
  const why = !layout.center
    ? 'without center padding a frame needs nFft samples'
    : `reflect padding of nFft / 2 = ${stftPadding(layout)} samples needs more samples than that (torch.stft raises here too); use padMode 'constant' or 'replicate', or pad the audio`;
  throw new NoiseClassifierError('E_BAD_AUDIO', `Audio is too short for the STFT: ${why}`, {
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
  const n = samples.length;
  out.set(samples, pad);
  for (let k = 1; k <= pad; k++) {
    let left: number;
    let right: number;
    if (mode === 'reflect') {
      left = samples[k];
      right = samples[n - 1 - k];
    } else if (mode === 'replicate') {
      left = samples[0];
      right = samples[n - 1];
    } else {
      left = 0;
      right = 0;
    }
    out[pad - k] = left;
    out[pad + n - 1 + k] = right;
  }
}
