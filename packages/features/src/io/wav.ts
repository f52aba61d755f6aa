import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, NoiseClassifierError } from '@noise-classifier/config';
import type { DecodedAudio } from '../types';
import { ascii, describeMagic, toBytes } from './bytes';

export interface DecodeOptions {
  /**
   * Accept a file whose data chunk (or, for compressed formats, whose stream) ends before its declared length:
   * the frames that are present are returned with `truncated: true`. Off by default: a short file is an
   * `E_DECODE` error, never a silent truncation.
   */
  readonly allowTruncated?: boolean;
  /** Reject (E_INPUT_TOO_LARGE) audio longer than this many seconds, checked before samples are allocated where the format allows. */
  readonly maxDurationSeconds?: number;
}

/** WAVE format tags we can name in an error (Microsoft's registry, mmreg.h). */
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG-1 audio',
  0x0055: 'MPEG Layer 3 (MP3 in WAV)',
  0x00ff: 'AAC',
  0x1610: 'HE-AAC',
  0x2000: 'AC-3',
  0x704f: 'Opus',
  0xf1ac: 'FLAC',
};

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Writers that stream a WAV put these in the size fields before they know the length. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

interface WavFormat {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && (ascii(bytes, 0, 4) === 'RIFF' || ascii(bytes, 0, 4) === 'RIFX' || ascii(bytes, 0, 4) === 'RF64') && ascii(bytes, 8, 4) === 'WAVE';
}

function decodeError(message: string, received?: string): NoiseClassifierError {
  return new NoiseClassifierError('E_DECODE', `WAV: ${message}`, { field: 'bytes', received });
}

/**
 * Decodes a RIFF WAVE file synchronously: PCM 8/16/24/32-bit integer, IEEE float 32/64 and
 * WAVE_FORMAT_EXTENSIBLE carrying either, any channel count, downmixed to mono by averaging.
 * Integers are scaled as torchaudio.load does (int16 / 32768, uint8 centred on 128).
 *
 * Data chunk sizes: a size of 0 or 0xFFFFFFFF (left by streaming writers) means "to the end of the file";
 * any other size beyond the end of the file is an `E_DECODE` error unless `allowTruncated` is set,
 * in which case the whole frames present are returned with `truncated: true`.
 */
export function decodeWav(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): DecodedAudio {
  const bytes = toBytes(input);
  if (!isWav(bytes)) {
    throw decodeError('not a RIFF/WAVE file', describeMagic(bytes));
  }
  const riff = ascii(bytes, 0, 4);
  if (riff !== 'RIFF') {
    throw new NoiseClassifierError('E_UNSUPPORTED_CODEC', `WAV: the ${riff} variant is not supported`, {
      field: 'bytes',
      expected: 'a little-endian RIFF WAVE file',
      received: `a ${riff} WAVE file`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + Math.min(size, 16) > bytes.length || size < 16) {
        throw decodeError(`fmt chunk is ${size} bytes with ${bytes.length - body} left in the file`, 'a truncated or malformed fmt chunk');
      }
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (!format) throw decodeError('data chunk comes before any fmt chunk', 'a data chunk without a format');
      return readData(bytes, view, format, body, size, options);
    }
    // Unknown chunks (LIST, fact, cue, bext, JUNK, ...) are skipped; odd sizes carry one pad byte.
    offset = body + size + (size & 1);
  }
  throw decodeError(format ? 'no data chunk' : 'no fmt chunk', `${bytes.length} bytes without ${format ? 'a data' : 'an fmt'} chunk`);
}

function readFormat(view: DataView, body: number, size: number): WavFormat {
  let tag = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bitsPerSample = view.getUint16(body + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || body + 40 > view.byteLength) {
      throw decodeError(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes`, 'an extensible format without its 40-byte extension');
    }
    // The sub-format GUID starts with the plain format tag (KSDATAFORMAT_SUBTYPE_PCM = 0x0001..., IEEE_FLOAT = 0x0003...).
    tag = view.getUint16(body + 24, true);
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
    const name = FORMAT_NAMES[tag] ?? 'an unknown codec';
    throw new NoiseClassifierError('E_UNSUPPORTED_CODEC', `WAV: ${name} (format tag 0x${tag.toString(16).padStart(4, '0')}) is not supported`, {
      field: 'bytes',
      expected: 'PCM (8/16/24/32-bit) or IEEE float (32/64-bit) samples',
      received: `${name} (0x${tag.toString(16).padStart(4, '0')})`,
    });
  }
  if (channels === 0) throw decodeError('fmt chunk declares 0 channels', '0 channels');
  checkFileSampleRate(sampleRate, 'WAV', 'fmt.sampleRate');
  const bytesPerSample = blockAlign / channels;
  const valid =
    Number.isInteger(bytesPerSample) &&
    (tag === WAVE_FORMAT_PCM ? [1, 2, 3, 4].includes(bytesPerSample) : [4, 8].includes(bytesPerSample)) &&
    bitsPerSample > 0 &&
    bitsPerSample <= bytesPerSample * 8;
  if (!valid) {
    const kind = tag === WAVE_FORMAT_PCM ? 'PCM' : 'IEEE float';
    throw new NoiseClassifierError('E_UNSUPPORTED_CODEC', `WAV: ${kind} with ${bitsPerSample} bits per sample and block align ${blockAlign} for ${channels} channel(s) is not supported`, {
      field: 'fmt.bitsPerSample',
      expected: tag === WAVE_FORMAT_PCM ? '8, 16, 24 or 32-bit integer samples' : '32 or 64-bit float samples',
      received: `${bitsPerSample} bits in ${Number.isInteger(bytesPerSample) ? bytesPerSample : blockAlign + '/' + channels} bytes`,
    });
  }
  return { tag, channels, sampleRate, blockAlign, bitsPerSample };
}

function readData(bytes: Uint8Array, view: DataView, format: WavFormat, body: number, declared: number, options: DecodeOptions): DecodedAudio {
  const available = bytes.length - body;
  let size = declared;
  let truncated = false;
  const streamed = isStreamedSize(view, declared, bytes.length);
  if (streamed) {
    size = available;
  } else if (declared > available) {
    if (!options.allowTruncated) {
      throw decodeError(`data chunk declares ${declared} bytes but only ${available} remain (truncated file)`, `${available} of ${declared} bytes`);
    }
    size = available;
    truncated = true;
  }
  const { channels, blockAlign, sampleRate } = format;
  const frames = Math.floor(size / blockAlign);
  // A torn last frame is expected when the length was unknown or cut; with a declared size it means a bad header.
  if (frames * blockAlign !== size && !streamed && !truncated) {
    throw decodeError(`data chunk of ${size} bytes is not a whole number of ${blockAlign}-byte frames`, `${size} bytes`);
  }
  if (frames === 0) throw decodeError('data chunk holds no complete sample frame', `${size} bytes of data`);
  checkDuration(frames, sampleRate, options.maxDurationSeconds);

  const read = sampleReader(view, format);
  const samples = new Float32Array(frames);
  const scale = 1 / channels;
  for (let f = 0, p = body; f < frames; f++, p += blockAlign) {
    let sum = 0;
    for (let c = 0, q = p; c < channels; c++, q += blockAlign / channels) sum += read(q);
    samples[f] = channels === 1 ? sum : sum * scale;
  }
  // Float files may carry NaN/Infinity; those never reach the front end.
  if (format.tag === WAVE_FORMAT_IEEE_FLOAT) {
    for (let i = 0; i < frames; i++) {
      if (!Number.isFinite(samples[i])) {
        throw new NoiseClassifierError('E_BAD_AUDIO', `WAV: sample frame ${i} is not finite`, {
          field: `samples[${i}]`,
          expected: 'finite float samples',
          received: String(samples[i]),
        });
      }
    }
  }
  const bits = blockAlign / channels * 8;
  return {
    samples,
    sampleRate,
    channels,
    format: 'wav',
    durationSeconds: frames / sampleRate,
    codec: format.tag === WAVE_FORMAT_PCM ? (bits === 8 ? 'pcm_u8' : `pcm_s${bits}le`) : `float${bits}le`,
    ...(truncated ? { truncated: true } : {}),
  };
}

/**
 * Streaming writers leave 0xFFFFFFFF, or 0, in the data size. A 0 is only taken as "unknown" when the RIFF size is a
 * placeholder too or stops short of the file (header written before the audio); with a consistent RIFF size a 0 is
 * a genuinely empty data chunk, and whatever follows it is not audio.
 */
function isStreamedSize(view: DataView, declared: number, fileLength: number): boolean {
  if (declared === 0xffffffff) return true;
  if (declared !== 0) return false;
  const riffSize = view.getUint32(4, true);
  return UNKNOWN_SIZES.has(riffSize) || riffSize + 8 < fileLength;
}

function sampleReader(view: DataView, format: WavFormat): (offset: number) => number {
  const width = format.blockAlign / format.channels;
  if (format.tag === WAVE_FORMAT_IEEE_FLOAT) {
    return width === 4 ? (o) => view.getFloat32(o, true) : (o) => view.getFloat64(o, true);
  }
  switch (width) {
    case 1:
      return (o) => (view.getUint8(o) - 128) / 128;
    case 2:
      return (o) => view.getInt16(o, true) / 32768;
    case 3:
      return (o) => ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608);
    default:
      return (o) => view.getInt32(o, true) / 2147483648;
  }
}

/**
 * A decoded file's own sample rate must lie in 1 kHz–384 kHz: a corrupt header's 1–4 Hz (or 4 GHz) would otherwise
 * reach the resampler as absurd ratios and durations.
 */
export function checkFileSampleRate(sampleRate: number, format: string, field: string): void {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new NoiseClassifierError('E_SAMPLE_RATE', `${format}: the file declares a sample rate outside the supported range`, {
      field,
      expected: `${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`,
      received: `${sampleRate} Hz`,
    });
  }
}

export function checkDuration(frames: number, sampleRate: number, maxDurationSeconds: number | undefined): void {
  if (maxDurationSeconds === undefined) return;
  const seconds = frames / sampleRate;
  if (seconds > maxDurationSeconds) {
    throw new NoiseClassifierError('E_INPUT_TOO_LARGE', 'Audio is longer than allowed', {
      field: 'maxDurationSeconds',
      expected: `at most ${maxDurationSeconds} s`,
      received: `${seconds.toFixed(3)} s (${frames} samples at ${sampleRate} Hz)`,
    });
  }
}
