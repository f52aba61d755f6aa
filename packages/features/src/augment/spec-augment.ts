import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type { Spectrogram } from '../types';
import { resolveRandom, type RandomOptions } from './random';

export interface MaskOptions extends RandomOptions {
  /** Largest mask width (torchaudio `time_mask_param` / `freq_mask_param`); the width is drawn from [0, maxWidth). */
  readonly maxWidth: number;
  /** Number of masks (default 1); masks may overlap. */
  readonly count?: number;
  /**
   * Value written into the mask. Default 'mean' (the spectrogram's mean: neutral for a dB log-mel, where
   * torchaudio's default 0 would mean "as loud as the loudest bin"); 'min' is silence.
   */
  readonly value?: number | 'mean' | 'min';
}

export interface MaskRange {
  readonly start: number;
  readonly width: number;
}

/** A masked copy of the input, with the ranges that were masked (empty ranges included). */
export type MaskedSpectrogram = Spectrogram & { readonly masks: readonly MaskRange[] };

function maskValue(spec: Spectrogram, value: MaskOptions['value']): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NoiseClassifierError('E_CONFIG', 'Mask value must be finite', { field: 'value', expected: "a finite number, 'mean' or 'min'", received: describeValue(value) });
    return value;
  }
  if (value === 'min') return spec.data.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  if (value === undefined || value === 'mean') {
    let sum = 0;
    for (const v of spec.data) sum += v;
    return sum / spec.data.length;
  }
  throw new NoiseClassifierError('E_CONFIG', 'Unknown mask value', { field: 'value', expected: "a finite number, 'mean' or 'min'", received: describeValue(value) });
}

function drawMasks(size: number, options: MaskOptions, what: string): MaskRange[] {
  const { maxWidth } = options;
  const count = options.count ?? 1;
  if (!(maxWidth >= 0) || !Number.isFinite(maxWidth)) throw new NoiseClassifierError('E_CONFIG', `${what}: maxWidth must be ≥ 0`, { field: 'maxWidth', expected: 'a finite number ≥ 0', received: describeValue(maxWidth) });
  if (!Number.isInteger(count) || count < 0) throw new NoiseClassifierError('E_CONFIG', `${what}: count must be a non-negative integer`, { field: 'count', expected: 'an integer ≥ 0', received: describeValue(count) });
  const random = resolveRandom(options, what);
  const masks: MaskRange[] = [];
  for (let i = 0; i < count; i++) {
    // torchaudio's mask_along_axis: width ~ U[0, param), start ~ U[0, size − width), both floored.
    const value = random.uniform(0, Math.min(maxWidth, size));
    const start = Math.floor(random.uniform(0, size - value));
    masks.push({ start, width: Math.floor(value) });
  }
  return masks;
}

function checkSpec(spec: Spectrogram): void {
  if (!spec || !(spec.data instanceof Float32Array) || spec.data.length !== spec.bins * spec.frames || spec.data.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Not a spectrogram', { field: 'spectrogram', expected: 'a non-empty { data: Float32Array, bins, frames } with data.length = bins × frames', received: describeValue(spec) });
  }
}

/** SpecAugment time masking: `count` bands of whole frames set to `value`. Pure given `seed`. */
export function timeMask(spec: Spectrogram, options: MaskOptions): MaskedSpectrogram {
  checkSpec(spec);
  const value = maskValue(spec, options.value);
  const masks = drawMasks(spec.frames, options, 'timeMask');
  const data = spec.data.slice();
  for (const { start, width } of masks) {
    for (let b = 0; b < spec.bins; b++) data.fill(value, b * spec.frames + start, b * spec.frames + start + width);
  }
  return { data, bins: spec.bins, frames: spec.frames, masks };
}

/** SpecAugment frequency masking: `count` bands of whole mel bins set to `value`. Pure given `seed`. */
export function frequencyMask(spec: Spectrogram, options: MaskOptions): MaskedSpectrogram {
  checkSpec(spec);
  const value = maskValue(spec, options.value);
  const masks = drawMasks(spec.bins, options, 'frequencyMask');
  const data = spec.data.slice();
  for (const { start, width } of masks) data.fill(value, start * spec.frames, (start + width) * spec.frames);
  return { data, bins: spec.bins, frames: spec.frames, masks };
}
