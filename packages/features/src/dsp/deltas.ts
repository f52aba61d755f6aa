import { NoiseClassifierError } from '@noise-classifier/config';
import type { Spectrogram } from '../types';

/**
 * torchaudio.functional.compute_deltas along frames with replicate padding:
 * d[t] = Σ_{k=1..n} k·(x[t+k] − x[t−k]) / (2·Σ k²), n = (winLength − 1) / 2, indices clamped to the edges.
 */
export function computeDeltas(spectrogram: Spectrogram, winLength = 5): Spectrogram {
  if (!Number.isInteger(winLength) || winLength < 3) {
    throw new NoiseClassifierError('E_CONFIG', 'Invalid delta window', {
      field: 'winLength',
      expected: 'an integer ≥ 3 (torchaudio compute_deltas)',
      received: String(winLength),
    });
  }
  const { data, bins, frames } = spectrogram;
  if (!(data instanceof Float32Array) || data.length !== bins * frames) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Spectrogram data does not match its shape', {
      field: 'spectrogram.data',
      expected: `a Float32Array of bins × frames = ${bins * frames} values`,
      received: data instanceof Float32Array ? `${data.length} values` : typeof data,
    });
  }
  const n = (winLength - 1) >> 1;
  const denom = (n * (n + 1) * (2 * n + 1)) / 3;
  const out = new Float32Array(bins * frames);
  const last = frames - 1;
  for (let b = 0; b < bins; b++) {
    const row = b * frames;
    for (let t = 0; t < frames; t++) {
      let sum = 0;
      for (let k = 1; k <= n; k++) {
        const ahead = t + k > last ? last : t + k;
        const behind = t - k < 0 ? 0 : t - k;
        sum += k * (data[row + ahead]! - data[row + behind]!);
      }
      out[row + t] = sum / denom;
    }
  }
  return { data: out, bins, frames };
}
