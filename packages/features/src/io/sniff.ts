import { NoiseClassifierError } from '@noise-classifier/config';
import { ascii, describeMagic } from './bytes';
import { isWav } from './wav';

export type Container = 'wav' | 'ogg' | 'flac' | 'mp3';

/**
 * Identifies the container from its first bytes. Formats we recognise but cannot decode
 * (Opus, AAC, MP4, WebM, AIFF, ...) throw E_UNSUPPORTED_CODEC naming them; unknown bytes throw E_DECODE.
 */
export function sniffContainer(bytes: Uint8Array): Container {
  if (bytes.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio file is empty', { field: 'bytes', expected: 'the bytes of an audio file', received: '0 bytes' });
  }
  if (isWav(bytes)) return 'wav';
  const magic = ascii(bytes, 0, 4);
  if (magic === 'OggS') return 'ogg';
  if (magic === 'fLaC') return 'flac';
  if (magic.startsWith('ID3')) return sniffAfterId3(bytes);
  const frame = mpegFrameKind(bytes, 0);
  if (frame === 'mp3') return 'mp3';
  if (frame === 'aac') throw unsupported('AAC (ADTS stream)');
  if (ascii(bytes, 4, 4) === 'ftyp') throw unsupported(`MP4/M4A (brand "${ascii(bytes, 8, 4)}", typically AAC or ALAC)`);
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) throw unsupported('Matroska/WebM');
  if (magic === 'FORM' && (ascii(bytes, 8, 4) === 'AIFF' || ascii(bytes, 8, 4) === 'AIFC')) throw unsupported(`AIFF (${ascii(bytes, 8, 4)})`);
  if (magic === 'caff') throw unsupported('Core Audio Format (CAF)');
  if (magic === '#!AM') throw unsupported('AMR');
  throw new NoiseClassifierError('E_DECODE', 'Unrecognised audio file', {
    field: 'bytes',
    expected: 'a WAV, OGG Vorbis, FLAC or MP3 file',
    received: describeMagic(bytes),
  });
}

export function unsupported(what: string): NoiseClassifierError {
  return new NoiseClassifierError('E_UNSUPPORTED_CODEC', `Unsupported audio codec: ${what}`, {
    field: 'bytes',
    expected: 'WAV (PCM or float), OGG Vorbis, FLAC or MP3',
    received: what,
  });
}

function sniffAfterId3(bytes: Uint8Array): Container {
  // ID3v2 header: "ID3", version (2), flags (1), size as four 7-bit bytes; a footer adds 10 bytes.
  if (bytes.length < 10) throw new NoiseClassifierError('E_DECODE', 'Truncated ID3 tag', { field: 'bytes', received: describeMagic(bytes) });
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  const next = 10 + size + (bytes[5] & 0x10 ? 10 : 0);
  if (ascii(bytes, next, 4) === 'fLaC') return 'flac';
  const frame = mpegFrameKind(bytes, next);
  if (frame === 'aac') throw unsupported('AAC (ADTS stream after an ID3 tag)');
  // An ID3 tag is MP3's calling card; the decoder reports it if no frame follows.
  return 'mp3';
}

/** MPEG audio frame sync (11 set bits) with layer III, or ADTS (layer bits 00). */
function mpegFrameKind(bytes: Uint8Array, offset: number): 'mp3' | 'aac' | undefined {
  if (offset + 2 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (bytes[offset + 1] >> 3) & 0x3;
  const layer = (bytes[offset + 1] >> 1) & 0x3;
  if (layer === 0) return (bytes[offset + 1] & 0xf6) === 0xf0 ? 'aac' : undefined;
  if (version === 1) return undefined; // reserved
  // Layers I and II are decoded by mpg123 as well.
  return 'mp3';
}
