import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

export type SampleArray = Float32Array | Float64Array | readonly number[];

function fail(message: string, field: string, expected: string, received: string): never {
  throw new NoiseClassifierError('E_BAD_AUDIO', message, { field, expected, received });
}

function badSample(index: number, value: unknown): never {
  return fail(`Audio sample ${index} is not a finite number`, `audio[${index}]`, 'finite samples', describeValue(value));
}

/**
 * Returns the samples as float32 (what torchaudio computes in), checking that every one is finite.
 * A Float32Array is used as it is; other arrays are converted into `scratch` when it is large enough
 * (the caller keeps it for reuse) or into a new array. Encoded bytes are rejected: decode them first.
 */
export function toFloat32Samples(audio: unknown, scratch?: Float32Array): Float32Array {
  if (audio instanceof Float32Array) {
    if (audio.length === 0) fail('Audio is empty', 'audio', 'at least one sample', 'an empty Float32Array');
    for (let i = 0; i < audio.length; i++) {
      const x = audio[i];
      if (x - x !== 0) badSample(i, x);
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
