import { MIN_NORMAL_FLOAT32, log2FromFloat32Bits } from './fast-log';

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

/**
 * torchaudio.functional.amplitude_to_DB in place over one spectrogram:
 * multiplier·log10(max(x, amin)) − multiplier·log10(max(amin, ref)), then, with topDb, a floor at
 * (maximum − topDb) where the maximum is taken over the whole array (torchaudio does this per
 * spectrogram for a 2-D input). Values are float32 in and out.
 */
export function amplitudeToDbInPlace(data: Float32Array, options: AmplitudeToDbOptions = {}): Float32Array {
  const multiplier = options.multiplier ?? 10;
  const amin = Math.fround(options.amin ?? 1e-10);
  const ref = options.ref ?? 1;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  const offset = multiplier * Math.log10(Math.max(amin, ref));
  const scale = multiplier * LOG10_2;
  const floorDb = multiplier * Math.log10(amin) - offset;
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    let db: number;
    if (x <= amin || x !== x) {
      // NaN cannot arrive from validated audio; keep torch's clamp semantics anyway.
      db = x !== x ? x : floorDb;
    } else if (x >= MIN_NORMAL_FLOAT32 && x < Infinity) {
      db = scale * log2FromFloat32Bits(bits[i]) - offset;
    } else {
      db = multiplier * Math.log10(x) - offset;
    }
    data[i] = db;
    if (data[i] > max) max = data[i];
  }
  if (topDb !== null) {
    const floor = Math.fround(max - topDb);
    for (let i = 0; i < data.length; i++) if (data[i] < floor) data[i] = floor;
  }
  return data;
}
