import { INV_LN2, LOG2_BASE, REM_BITS, REM_MASK, REM_SCALE } from './fast-log';

export interface NaturalLogOptions {
  /** Added to every value before the log (EfficientAT: 1e-5); keeps log(0) finite. */
  readonly offset: number;
  /** Affine normalisation after the log: (x − mean) / std. */
  readonly mean?: number;
  readonly std?: number;
}

const MIN_NORMAL_BITS = 0x00800000;
const INFINITY_BITS = 0x7f800000;

/**
 * In place over float32 mel power: ((ln(float32(x + offset))) − mean) / std, every step rounded to float32 as
 * torch computes `((x + offset).log() + shift) / scale`. The log comes from the float32 bits (fast-log.ts);
 * values whose sum is not a positive normal float (NaN, infinity, a negative sum) take Math.log.
 */
export function naturalLogInPlace(data: Float32Array, options: NaturalLogOptions): Float32Array {
  const offset = Math.fround(options.offset);
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < data.length; i++) {
    data[i]! += offset; // rounded to float32 on store, as torch's float32 add
    const b = bits[i]!;
    let ln: number;
    if (b >= MIN_NORMAL_BITS && b < INFINITY_BITS) {
      const mantissa = b & 0x7fffff;
      const index = mantissa >>> REM_BITS;
      const t = (mantissa & REM_MASK) * REM_SCALE[index]!;
      ln = ((b >>> 23) - 127 + LOG2_BASE[index]! + t * (1 - t * (0.5 - t * (1 / 3))) * INV_LN2) * Math.LN2;
    } else {
      ln = Math.log(data[i]!);
    }
    data[i] = Math.fround(Math.fround(ln) - mean) / std;
  }
  return data;
}
