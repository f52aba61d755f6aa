import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** Views any accepted byte container as a Uint8Array without copying. */
export function toBytes(input: unknown, field = 'bytes'): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new NoiseClassifierError('E_BAD_AUDIO', 'Encoded audio must be bytes', {
    field,
    expected: 'a Uint8Array or ArrayBuffer holding a WAV, OGG Vorbis, FLAC or MP3 file',
    received: describeValue(input),
  });
}

/** `0x52 0x49 ...` style summary of the first bytes, for error messages. */
export function describeMagic(bytes: Uint8Array, count = 8): string {
  const head = Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const ascii = Array.from(bytes.subarray(0, count), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${bytes.length} bytes starting ${head || '(nothing)'} ("${ascii}")`;
}

export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length && offset + i < bytes.length; i++) s += String.fromCharCode(bytes[offset + i]);
  return s;
}
