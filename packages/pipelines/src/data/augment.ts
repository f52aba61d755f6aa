import type { Spectrogram } from '@noise-classifier/features';
import { frequencyMask, timeMask, type Random } from '@noise-classifier/features';

/** Spectrogram-domain augmentation, so cached features can be augmented without decoding again. */
export interface SpectrogramAugmentOptions {
  /** Random gain in ±gainDb (a constant offset of the dB spectrogram). Default 6. */
  gainDb?: number;
  /** SpecAugment frequency masks: how many, and the widest in mel bins. Default 2 × 12. */
  freqMasks?: number;
  freqMaskWidth?: number;
  /** SpecAugment time masks: how many, and the widest in frames. Default 2 × 16. */
  timeMasks?: number;
  timeMaskWidth?: number;
  /**
   * Random smooth equalisation, in dB at the band edges: a tilt plus a quadratic and a cubic curve over the mel
   * bins, each coefficient uniform in ±eqDb (a different microphone, room or codec). Default 0 (off).
   */
  eqDb?: number;
}

/** A random `width`-frame window of the spectrogram (the time-shift augmentation); shorter ones are returned whole. */
export function cropWindow(spec: Spectrogram, width: number, prng: Random): Spectrogram {
  if (spec.frames <= width) return spec;
  const start = prng.int(0, spec.frames - width);
  const data = new Float32Array(spec.bins * width);
  for (let b = 0; b < spec.bins; b++) data.set(spec.data.subarray(b * spec.frames + start, b * spec.frames + start + width), b * width);
  return { data, bins: spec.bins, frames: width };
}

/** Gain plus SpecAugment masks (masked cells take the spectrogram's minimum, i.e. silence in dB). */
export function augmentSpectrogram(spec: Spectrogram, options: SpectrogramAugmentOptions, prng: Random): Spectrogram {
  const { gainDb = 6, freqMasks = 2, freqMaskWidth = 12, timeMasks = 2, timeMaskWidth = 16, eqDb = 0 } = options;
  const data = Float32Array.from(spec.data);
  const offset = prng.uniform(-gainDb, gainDb);
  for (let i = 0; i < data.length; i++) data[i]! += offset;
  if (eqDb > 0) applyRandomEq(data, spec.bins, spec.frames, eqDb, prng);
  // SpecAugment from @noise-classifier/features (torchaudio's width draw), masks filled with the minimum (silence).
  let out: Spectrogram = { data, bins: spec.bins, frames: spec.frames };
  out = frequencyMask(out, { maxWidth: freqMaskWidth, count: freqMasks, value: 'min', random: prng });
  out = timeMask(out, { maxWidth: timeMaskWidth, count: timeMasks, value: 'min', random: prng });
  return { data: out.data, bins: out.bins, frames: out.frames };
}

/** Adds a random smooth curve over the bins (rows) of a [bins × frames] dB spectrogram, in place. */
export function applyRandomEq(data: Float32Array, bins: number, frames: number, eqDb: number, prng: Random): void {
  const tilt = prng.uniform(-eqDb, eqDb);
  const bend = prng.uniform(-eqDb, eqDb);
  const wiggle = prng.uniform(-eqDb, eqDb);
  for (let b = 0; b < bins; b++) {
    // f in [-1, 1] across the bins; the quadratic and cubic terms are centred so the curve adds no mean gain.
    const f = bins > 1 ? (2 * b) / (bins - 1) - 1 : 0;
    const db = tilt * f + bend * (f * f - 1 / 3) + wiggle * (f * f * f - 0.6 * f);
    for (let t = b * frames; t < (b + 1) * frames; t++) data[t]! += db;
  }
}
