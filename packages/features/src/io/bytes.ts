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

/** The bytes at `offset` as Latin-1 text, cut short where the file ends. */
export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (const b of bytes.subarray(offset, offset + length)) s += String.fromCharCode(b);
  return s;
}

/** A DataView over exactly these bytes: its reads throw a RangeError past the end instead of giving undefined. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Where the audio after an ID3v2 tag starts (10-byte header, size as four 7-bit bytes, optional 10-byte footer),
 * or undefined when the bytes do not begin with a whole ID3v2 header.
 */
export function id3v2TagEnd(bytes: Uint8Array): number | undefined {
  if (bytes.length < 10 || ascii(bytes, 0, 3) !== 'ID3') return undefined;
  const view = viewOf(bytes);
  let size = 0;
  for (let i = 6; i < 10; i++) size = (size << 7) | (view.getUint8(i) & 0x7f);
  const hasFooter = (view.getUint8(5) & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}
