import { INV_LN2, LOG2_BASE, REM_BITS, REM_MASK, REM_SCALE } from './fast-log';

export interface AmplitudeToDbOptions {
  /** 10 for power, 20 for amplitude (torchaudio's stype). */
  readonly multiplier?: number;
  readonly amin?: number;
  /** Reference value: the result is relative to max(amin, ref). */
  readonly ref?: number;
  /** Clamp to (max − topDb) over the whole array; null disables. */
  readonly topDb?: number | null;
}

const LOG10_2 = Math.log10(2);
const MIN_NORMAL_BITS = 0x00800000;
const INFINITY_BITS = 0x7f800000;
const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

function float32Bits(x: number): number {
  scratch[0] = x;
  return scratchBits[0]!;
}

/**
 * torchaudio.functional.amplitude_to_DB in place over one spectrogram:
 * multiplier·log10(max(x, amin)) − multiplier·log10(max(amin, ref)), then, with topDb, a floor at
 * (maximum − topDb) where the maximum is taken over the whole array (torchaudio does this per
 * spectrogram for a 2-D input). Input is float32 power (non-negative, as the front end produces);
 * NaN stays NaN. The logarithm comes from the float32 bits (see fast-log.ts), exact to ~1e-11 dB.
 */
export function amplitudeToDbInPlace(data: Float32Array, options: AmplitudeToDbOptions = {}): Float32Array {
  const multiplier = options.multiplier ?? 10;
  const amin = Math.fround(options.amin ?? 1e-10);
  const ref = options.ref ?? 1;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  const offset = multiplier * Math.log10(Math.max(amin, ref));
  const scale = multiplier * LOG10_2;
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  // Non-negative float32 values order like their bit patterns, so clamping at amin and tracking the
  // maximum happen on integers. Negative values (sign bit set) compare below amin and clamp, like torch.
  const aminBits = float32Bits(amin);
  const fastPath = aminBits >= MIN_NORMAL_BITS;
  let maxBits = aminBits;
  let sawNaN = false;
  for (let i = 0; i < data.length; i++) {
    let b = bits[i]!;
    if (b < aminBits) b = aminBits;
    if (b > maxBits) maxBits = b;
    if (fastPath && b < INFINITY_BITS) {
      const mantissa = b & 0x7fffff;
      const index = mantissa >>> REM_BITS;
      const t = (mantissa & REM_MASK) * REM_SCALE[index]!;
      data[i] = scale * ((b >>> 23) - 127 + LOG2_BASE[index]! + t * (1 - t * (0.5 - t * (1 / 3))) * INV_LN2) - offset;
    } else {
      const x = data[i]!;
      if (x !== x) sawNaN = true;
      data[i] = multiplier * Math.log10(Math.max(x, amin)) - offset;
    }
  }
  if (topDb !== null && !sawNaN) {
    scratchBits[0] = maxBits;
    const max = maxBits >= INFINITY_BITS ? Infinity : multiplier * Math.log10(scratch[0]!) - offset;
    const floor = Math.fround(Math.fround(max) - topDb);
    for (let i = 0; i < data.length; i++) if (data[i]! < floor) data[i] = floor;
  }
  return data;
}
