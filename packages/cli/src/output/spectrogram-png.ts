import { PNG } from 'pngjs';
import { colormapTable } from './colormap';

export interface SpectrogramImage {
  readonly data: Float32Array;
  readonly bins: number;
  readonly frames: number;
}

export interface RenderOptions {
  /** Value mapped to the darkest colour; default the data's minimum. */
  readonly min?: number;
  /** Value mapped to the brightest colour; default the data's maximum. */
  readonly max?: number;
}

/**
 * Renders [bins × frames] as a frames-wide, bins-high PNG with the perceptual colormap,
 * bin 0 (the lowest frequency, or the first coefficient) at the bottom.
 */
export function renderSpectrogramPng(spec: SpectrogramImage, options: RenderOptions = {}): Uint8Array {
  if (spec.data.length !== spec.bins * spec.frames) {
    throw new RangeError(`${spec.bins} bins × ${spec.frames} frames need ${spec.bins * spec.frames} values but data has ${spec.data.length}`);
  }
  let lo = options.min ?? Number.POSITIVE_INFINITY;
  let hi = options.max ?? Number.NEGATIVE_INFINITY;
  if (options.min === undefined || options.max === undefined) {
    for (const v of spec.data) {
      if (!Number.isFinite(v)) continue;
      if (options.min === undefined && v < lo) lo = v;
      if (options.max === undefined && v > hi) hi = v;
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const table = colormapTable();
  const png = new PNG({ width: spec.frames, height: spec.bins, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  const pixels = Buffer.alloc(spec.frames * spec.bins * 3);
  for (let b = 0; b < spec.bins; b++) {
    const y = spec.bins - 1 - b;
    for (let f = 0; f < spec.frames; f++) {
      const t = (spec.data[b * spec.frames + f]! - lo) / span; // in bounds: data holds bins × frames (checked above)
      const index = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)));
      pixels.set(table.subarray(index * 3, index * 3 + 3), (y * spec.frames + f) * 3);
    }
  }
  png.data = pixels;
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}
