/**
 * log2 of positive normal float32 values read straight from their bits. V8's Math.log10 costs ~18 ns a
 * call, which alone would be a third of the log-mel budget; this costs a few ns. Method: exponent from the
 * bits, log2 of the mantissa's top 10 bits from a table, and log1p of the small remainder (< 2^-10) from a
 * three-term series. Maximum error about 1e-12 in log2, far below float32 resolution of the result.
 */
const TABLE_BITS = 10;
const TABLE_SIZE = 1 << TABLE_BITS;
export const REM_BITS = 23 - TABLE_BITS;
export const REM_MASK = (1 << REM_BITS) - 1;
export const LOG2_BASE = new Float64Array(TABLE_SIZE);
/** 2^-23 / base, so that t = remainder · SCALE[i] is the remainder relative to the table entry. */
export const REM_SCALE = new Float64Array(TABLE_SIZE);
for (let i = 0; i < TABLE_SIZE; i++) {
  const base = 1 + i / TABLE_SIZE;
  LOG2_BASE[i] = Math.log2(base);
  REM_SCALE[i] = 2 ** -23 / base;
}
export const INV_LN2 = 1 / Math.LN2;

/** log2(x) for x given as float32 bits; the caller guarantees a positive, normal, finite value. */
export function log2FromFloat32Bits(bits: number): number {
  const mantissa = bits & 0x7fffff;
  const index = mantissa >>> REM_BITS;
  const t = (mantissa & REM_MASK) * REM_SCALE[index]!;
  return (bits >>> 23) - 127 + LOG2_BASE[index]! + t * (1 - t * (0.5 - t * (1 / 3))) * INV_LN2;
}
