import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('./fixtures/torchaudio/', import.meta.url));

export interface TorchaudioCase {
  name: string;
  samples: number;
  frames: number;
  mel_shape: [number, number];
  mfcc_shape: [number, number];
}

export const torchaudioIndex = JSON.parse(readFileSync(`${FIXTURES}index.json`, 'utf8')) as {
  params: Record<string, unknown>;
  cases: TorchaudioCase[];
};

/** Reads a little-endian float32 fixture (the layout index.json documents). */
export function readF32(name: string): Float32Array {
  const bytes = readFileSync(`${FIXTURES}${name}`);
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Reads a little-endian float64 fixture (the float64 torchaudio references in f64/). */
export function readF64(name: string): Float64Array {
  const bytes = readFileSync(`${FIXTURES}${name}`);
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Largest relative error where the reference exceeds `floorRatio` × its maximum. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floorRatio: number): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) if (expected[i]! > max) max = expected[i]!;
  const floor = max * floorRatio;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i]! <= floor) continue;
    const err = Math.abs(actual[i]! - expected[i]!) / expected[i]!;
    if (!(err <= worst)) worst = err;
  }
  return worst;
}

export function maxAbsoluteError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= worst)) worst = err;
  }
  return worst;
}
