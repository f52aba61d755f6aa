import { NoiseClassifierError } from '@noise-classifier/config';
import { ascii, describeMagic, id3v2TagEnd, viewOf } from './bytes';
import { isWav } from './wav';

export type Container = 'wav' | 'ogg' | 'flac' | 'mp3';

/** What an audio file's first bytes say: a container we decode, or a format we recognise but cannot decode. */
export type AudioFileKind = Container | 'unsupported';

/**
 * The one format sniffer (decoding, the server's request bodies, the legacy API's base64 audio): the kind of audio
 * file the bytes are, or undefined when they are no audio file (headerless PCM, say). The magics (RIFF, OggS,
 * fLaC, ID3…) read as float32 or int16 PCM are implausible; a bare MPEG stream starts with an 11-bit frame sync
 * instead, which about one float32 sample in 2000 also matches, so it counts only when a second valid frame header
 * follows the first at the length the first declares (or the first frame is the whole stream).
 */
export function audioFileKind(bytes: Uint8Array): AudioFileKind | undefined {
  if (bytes.length < 4) return undefined;
  if (isWav(bytes)) return 'wav';
  const magic = ascii(bytes, 0, 4);
  if (magic === 'OggS') return 'ogg';
  if (magic === 'fLaC') return 'flac';
  if (magic.startsWith('ID3')) {
    const inside = afterId3(bytes);
    return inside === 'aac' ? 'unsupported' : inside;
  }
  if (unsupportedFormat(bytes) !== undefined) return 'unsupported';
  const first = mpegFrameLength(bytes, 0);
  if (first === undefined) return undefined;
  return first === bytes.length || mpegFrameLength(bytes, first) !== undefined ? 'mp3' : undefined;
}

/**
 * Identifies the container from its first bytes for decoding. Formats we recognise but cannot decode
 * (Opus, AAC, MP4, WebM, AIFF, ...) throw E_UNSUPPORTED_CODEC naming them; unknown bytes throw E_DECODE.
 */
export function sniffContainer(bytes: Uint8Array): Container {
  if (bytes.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Audio file is empty', { field: 'bytes', expected: 'the bytes of an audio file', received: '0 bytes' });
  }
  if (ascii(bytes, 0, 3) === 'ID3' && bytes.length < 10) throw new NoiseClassifierError('E_DECODE', 'Truncated ID3 tag', { field: 'bytes', received: describeMagic(bytes) });
  const kind = audioFileKind(bytes);
  if (kind !== undefined && kind !== 'unsupported') return kind;
  const what = unsupportedFormat(bytes);
  if (what !== undefined) throw unsupported(what);
  // Here no raw PCM is possible, so a frame sync the strict check could not confirm (a truncated stream) is MP3's
  // to report, and ADTS is AAC.
  const frame = mpegFrameKind(bytes, 0);
  if (frame === 'mp3') return 'mp3';
  if (frame === 'aac') throw unsupported('AAC (ADTS stream)');
  throw new NoiseClassifierError('E_DECODE', 'Unrecognised audio file', {
    field: 'bytes',
    expected: 'a WAV, OGG Vorbis, FLAC or MP3 file',
    received: describeMagic(bytes),
  });
}

/** The name of a recognised format we cannot decode, from its magic; undefined for anything else. */
function unsupportedFormat(bytes: Uint8Array): string | undefined {
  const magic = ascii(bytes, 0, 4);
  if (magic.startsWith('ID3') && bytes.length >= 10 && afterId3(bytes) === 'aac') return 'AAC (ADTS stream after an ID3 tag)';
  if (ascii(bytes, 4, 4) === 'ftyp') return `MP4/M4A (brand "${ascii(bytes, 8, 4)}", typically AAC or ALAC)`;
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'Matroska/WebM';
  if (magic === 'FORM' && (ascii(bytes, 8, 4) === 'AIFF' || ascii(bytes, 8, 4) === 'AIFC')) return `AIFF (${ascii(bytes, 8, 4)})`;
  if (magic === 'caff') return 'Core Audio Format (CAF)';
  if (magic === '#!AM') return 'AMR';
  if ((magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64') && !isWav(bytes)) return `a RIFF file that is not WAVE ("${ascii(bytes, 8, 4)}")`;
  return undefined;
}

export function unsupported(what: string): NoiseClassifierError {
  return new NoiseClassifierError('E_UNSUPPORTED_CODEC', `Unsupported audio codec: ${what}`, {
    field: 'bytes',
    expected: 'WAV (PCM or float), OGG Vorbis, FLAC or MP3',
    received: what,
  });
}

/** What follows an ID3v2 tag (MP3 when the tag's header is cut short). */
function afterId3(bytes: Uint8Array): 'flac' | 'mp3' | 'aac' {
  const next = id3v2TagEnd(bytes);
  if (next === undefined) return 'mp3';
  if (ascii(bytes, next, 4) === 'fLaC') return 'flac';
  // An ID3 tag is MP3's calling card; the decoder reports it if no frame follows.
  return mpegFrameKind(bytes, next) === 'aac' ? 'aac' : 'mp3';
}

/** MPEG audio frame sync (11 set bits) with layer III, or ADTS (layer bits 00). */
function mpegFrameKind(bytes: Uint8Array, offset: number): 'mp3' | 'aac' | undefined {
  const second = bytes[offset + 1]; // undefined when the bytes end before a 2-byte sync
  if (bytes[offset] !== 0xff || second === undefined || (second & 0xe0) !== 0xe0) return undefined;
  const version = (second >> 3) & 0x3;
  const layer = (second >> 1) & 0x3;
  if (layer === 0) return (second & 0xf6) === 0xf0 ? 'aac' : undefined;
  if (version === 1) return undefined; // reserved
  // Layers I and II are decoded by mpg123 as well.
  return 'mp3';
}

// Bitrates in kbps by [MPEG-1 | MPEG-2/2.5][layer I, II, III][index 1…14].
const BITRATES: Record<'v1' | 'v2', readonly (readonly number[])[]> = {
  v1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] } as const;

/** Length in bytes of the MPEG audio frame whose header starts at `offset`, or undefined if there is none. */
function mpegFrameLength(bytes: Uint8Array, offset: number): number | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const header = viewOf(bytes).getUint32(offset); // big-endian, as MPEG writes it
  if (header >>> 21 !== 0x7ff) return undefined; // 11-bit frame sync
  const version = (header >>> 19) & 0x3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layerBits = (header >>> 17) & 0x3; // 3 = I, 2 = II, 1 = III, 0 reserved
  const bitrateIndex = (header >>> 12) & 0xf;
  const rateIndex = (header >>> 10) & 0x3;
  const padding = (header >>> 9) & 0x1;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const layer = 4 - layerBits; // 1, 2 or 3
  const bitrate = (BITRATES[version === 3 ? 'v1' : 'v2'][layer - 1]?.[bitrateIndex - 1] ?? 0) * 1000;
  const sampleRate = SAMPLE_RATES[version as 0 | 2 | 3][rateIndex as 0 | 1 | 2];
  if (layer === 1) return (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * bitrate) / sampleRate) + padding;
}
