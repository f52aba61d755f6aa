import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

export type SampleArray = Float32Array | Float64Array | readonly number[];

function fail(message: string, field: string, expected: string, received: string): never {
  throw new NoiseClassifierError('E_BAD_AUDIO', message, { field, expected, received });
}

function badSample(index: number, value: unknown): never {
  return fail(`Audio sample ${index} is not a finite number`, `audio[${index}]`, 'finite samples', describeValue(value));
}

/** x·0 is 0 for finite x and NaN otherwise; four sums keep the loop short of dependency stalls. */
function allFinite(a: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    s0 += a[i]! * 0;
    s1 += a[i + 1]! * 0;
    s2 += a[i + 2]! * 0;
    s3 += a[i + 3]! * 0;
  }
  for (let i = n4; i < n; i++) s0 += a[i]! * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * Returns the samples as float32 (what torchaudio computes in), checking that every one is finite.
 * A Float32Array is used as it is; other arrays are converted into `scratch` when it is large enough
 * (the caller keeps it for reuse) or into a new array. Encoded bytes are rejected: decode them first.
 */
export function toFloat32Samples(audio: unknown, scratch?: Float32Array): Float32Array {
  if (audio instanceof Float32Array) {
    if (audio.length === 0) fail('Audio is empty', 'audio', 'at least one sample', 'an empty Float32Array');
    if (!allFinite(audio)) {
      for (let i = 0; i < audio.length; i++) if (audio[i]! - audio[i]! !== 0) badSample(i, audio[i]);
    }
    return audio;
  }
  const isNumberArray = Array.isArray(audio) || audio instanceof Float64Array;
  if (!isNumberArray) {
    fail(
      'Audio must be decoded mono samples at the configured sample rate',
      'audio',
      'a Float32Array, Float64Array or number[] (decode encoded bytes first)',
      describeValue(audio),
    );
  }
  const source = audio as ArrayLike<unknown>;
  if (source.length === 0) fail('Audio is empty', 'audio', 'at least one sample', describeValue(audio));
  const out = scratch !== undefined && scratch.length >= source.length ? scratch.subarray(0, source.length) : new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const x = source[i];
    if (typeof x !== 'number' || x - x !== 0) badSample(i, x);
    const y = Math.fround(x);
    if (y - y !== 0) fail(`Audio sample ${i} overflows float32`, `audio[${i}]`, 'samples within ±3.4e38', String(x));
    out[i] = y;
  }
  return out;
}
