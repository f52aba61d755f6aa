import { NoiseClassifierError } from '@noise-classifier/config';
import type { DecodedAudio } from '../types';
import { id3v2TagEnd, viewOf } from './bytes';
import { checkOggVorbis } from './ogg-pages';
import { checkDuration, checkFileSampleRate, type DecodeOptions } from './wav';

/** What the wasm-audio-decoders family returns (ogg-vorbis, flac, mpg123-decoder share the shape). */
interface DecodedChannels {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string; frameNumber?: number; inputBytes?: number }[];
}

interface WasmDecoder {
  ready: Promise<void>;
  free: () => void;
}

type Format = 'ogg' | 'flac' | 'mp3';

/**
 * Runs one of the WebAssembly decoders (loaded on first use with a dynamic import, so `features` stays small
 * for callers that only feed WAV or samples) and always frees its wasm memory.
 */
async function runDecoder<D extends WasmDecoder>(
  format: Format,
  load: () => Promise<D>,
  decode: (decoder: D) => Promise<DecodedChannels> | DecodedChannels,
): Promise<DecodedChannels> {
  let decoder: D | undefined;
  try {
    decoder = await load();
    await decoder.ready;
    return await decode(decoder);
  } catch (error) {
    if (error instanceof NoiseClassifierError) throw error;
    // A JavaScript error thrown inside the decoder package on corrupt input (e.g. codec-parser 2.5.0's VorbisParser
    // calls an `logError` it never imports: "ReferenceError: logError is not defined") is a bug on their side, but
    // to our callers it is one more undecodable file: E_DECODE, with the original error kept as the cause.
    const internal = error instanceof ReferenceError || error instanceof TypeError || error instanceof RangeError;
    throw new NoiseClassifierError('E_DECODE', `${format.toUpperCase()}: ${internal ? 'the decoder hit an internal error on this input' : 'the decoder failed'}`, {
      field: 'bytes',
      expected: `a valid ${format.toUpperCase()} stream`,
      received: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      cause: error,
    });
  } finally {
    try {
      decoder?.free();
    } catch {
      // A decoder that trapped may not free cleanly; its memory goes with the instance.
    }
  }
}

function toMono(format: Format, codec: string, result: DecodedChannels, options: DecodeOptions, truncated: boolean): DecodedAudio {
  const [first] = result.errors;
  if (first !== undefined) {
    throw new NoiseClassifierError('E_DECODE', `${format.toUpperCase()}: corrupt stream (${result.errors.length} decode error(s))`, {
      field: 'bytes',
      expected: `a valid ${codec} stream`,
      received: `${first.message}${first.frameNumber !== undefined ? ` at frame ${first.frameNumber}` : ''}`,
    });
  }
  const channels = result.channelData.length;
  const frames = result.samplesDecoded;
  if (frames === 0 || channels === 0) {
    throw new NoiseClassifierError('E_DECODE', `${format.toUpperCase()}: no audio decoded`, { field: 'bytes', expected: `a ${codec} stream with audio`, received: 'a stream that decoded to 0 samples' });
  }
  checkFileSampleRate(result.sampleRate, format.toUpperCase(), 'sampleRate (from the stream header)');
  checkDuration(frames, result.sampleRate, options.maxDurationSeconds);
  result.channelData.forEach((data, c) => {
    if (data.length < frames) {
      throw new NoiseClassifierError('E_DECODE', `${format.toUpperCase()}: the decoder returned a short channel`, { field: `channelData[${c}]`, expected: `${frames} samples (samplesDecoded)`, received: `${data.length} samples` });
    }
  });
  // From here every channel holds at least `frames` samples and `samples` exactly `frames`.
  const samples = new Float32Array(frames);
  for (const data of result.channelData) {
    for (let i = 0; i < frames; i++) samples[i]! += data[i]!;
  }
  if (channels > 1) for (let i = 0; i < frames; i++) samples[i]! /= channels;
  const bad = samples.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new NoiseClassifierError('E_DECODE', `${format.toUpperCase()}: decoder produced a non-finite sample`, { field: `samples[${bad}]`, expected: 'finite samples', received: String(samples[bad]) });
  }
  return {
    samples,
    sampleRate: result.sampleRate,
    channels,
    format,
    durationSeconds: frames / result.sampleRate,
    codec,
    ...(truncated ? { truncated: true } : {}),
  };
}

export async function decodeOggVorbis(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const torn = checkOggVorbis(bytes, options.allowTruncated ?? false);
  const result = await runDecoder(
    'ogg',
    async () => new (await import('@wasm-audio-decoders/ogg-vorbis')).OggVorbisDecoder(),
    (d) => d.decodeFile(bytes),
  );
  return toMono('ogg', 'vorbis', result, options, torn);
}

function bitDepth(result: DecodedChannels): number {
  const bits = (result as DecodedChannels & { bitDepth?: number }).bitDepth;
  return typeof bits === 'number' && bits >= 4 && bits <= 32 ? bits : 0;
}

/**
 * The FLAC decoder scales integers by 1 / (2^(bits-1) - 1); WAV (and torchaudio.load) use 1 / 2^(bits-1).
 * Recovering the integer and rescaling makes a FLAC file decode to exactly the samples of the WAV it came from.
 */
function requantise(result: DecodedChannels, bits: number): DecodedChannels {
  if (bits === 0) return result;
  const up = 2 ** (bits - 1) - 1;
  const down = 2 ** (bits - 1);
  for (const data of result.channelData) {
    for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i]! * up) / down;
  }
  return result;
}

/** STREAMINFO's total sample count (0 = unknown), so a cut FLAC file is caught. */
function flacTotalSamples(bytes: Uint8Array): number {
  if (bytes.length < 26) return 0;
  const view = viewOf(bytes);
  // The first metadata block (byte 4: last-block flag and type) must be STREAMINFO (type 0).
  if ((view.getUint8(4) & 0x7f) !== 0) return 0;
  // A 36-bit count: the low 4 bits of byte 21, then bytes 22..25 big-endian.
  return (view.getUint8(21) & 0x0f) * 2 ** 32 + view.getUint32(22);
}

const FLAC_TAIL_PADDING = 16;

function withTrailingZeros(bytes: Uint8Array, count: number): Uint8Array {
  const padded = new Uint8Array(bytes.length + count);
  padded.set(bytes);
  return padded;
}

export async function decodeFlac(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const declared = flacTotalSamples(bytes);
  const result = await runDecoder(
    'flac',
    async () => new (await import('@wasm-audio-decoders/flac')).FLACDecoder(),
    // The decoder drops a file's last frame unless a few bytes follow it (3 of ESC-50 fold 4's clips lost their
    // final 3412 samples): zero padding after the stream is not a frame and makes it decode every frame.
    (d) => d.decodeFile(withTrailingZeros(bytes, FLAC_TAIL_PADDING)),
  );
  let truncated = false;
  if (declared > 0 && result.errors.length === 0 && result.samplesDecoded < declared) {
    if (!options.allowTruncated) {
      throw new NoiseClassifierError('E_DECODE', `FLAC: truncated stream (STREAMINFO declares ${declared} samples, ${result.samplesDecoded} decoded)`, {
        field: 'bytes',
        expected: `${declared} samples`,
        received: `${result.samplesDecoded} samples`,
      });
    }
    truncated = true;
  }
  return toMono('flac', 'flac', requantise(result, bitDepth(result)), options, truncated);
}

export async function decodeMp3(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const result = await runDecoder(
    'mp3',
    async () => new (await import('mpg123-decoder')).MPEGDecoder(),
    (d) => d.decode(bytes),
  );
  // mpg123 always returns two channels; a mono file (channel mode 3 in the frame header) keeps one.
  if (result.channelData.length > 1 && isMonoMp3(bytes)) result.channelData = result.channelData.slice(0, 1);
  return toMono('mp3', 'mp3', result, options, false);
}

/** Channel mode of the first MPEG frame header (after any ID3v2 tag): 3 = single channel. */
function isMonoMp3(bytes: Uint8Array): boolean {
  // `o + 3 < bytes.length` throughout the scan (the loop bound), so the 4 header bytes are there.
  let o = id3v2TagEnd(bytes) ?? 0;
  for (const end = Math.min(bytes.length - 3, o + 65536); o < end; o++) {
    if (bytes[o] === 0xff && (bytes[o + 1]! & 0xe0) === 0xe0 && ((bytes[o + 1]! >> 1) & 3) !== 0) return bytes[o + 3]! >> 6 === 3;
  }
  return false;
}
