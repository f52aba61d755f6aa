import { audioFileKind } from '@noise-classifier/features';
import type { AudioDecoder, DecodedClip } from './classifier';
import { ApiError } from './api-error';

export type AudioContainer = 'wav' | 'ogg' | 'flac' | 'mp3';

/**
 * Recognises an encoded audio file by its first bytes (features' `audioFileKind`, the one sniffer); undefined for
 * anything else, e.g. raw PCM. A format we cannot decode also reads as undefined here, as raw PCM needing a rate.
 */
export function sniffContainer(bytes: Uint8Array): AudioContainer | undefined {
  const kind = audioFileKind(bytes);
  return kind === 'unsupported' ? undefined : kind;
}

/** Media types accepted as a raw request body, and what they hold. */
const CONTAINER_TYPES: Record<string, AudioContainer> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/vorbis': 'ogg',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};
/** Headerless PCM: signed 16-bit little-endian, mono; the rate comes from `sample_rate`. */
export const RAW_PCM_TYPES = ['audio/pcm', 'audio/x-raw', 'audio/s16le'];
export const ACCEPTED_AUDIO_TYPES = [...Object.keys(CONTAINER_TYPES), ...RAW_PCM_TYPES];

export interface AudioLimits {
  readonly maxAudioSeconds: number;
}

/** Strict base64 (standard or URL-safe alphabet, optional `data:...;base64,` prefix, whitespace ignored). */
export function decodeBase64Field(value: string, field: string): Uint8Array {
  let s = value;
  const comma = s.startsWith('data:') ? s.indexOf(',') : -1;
  if (comma >= 0) s = s.slice(comma + 1);
  s = s.replace(/\s+/g, '');
  if (s.length === 0) throw new ApiError(400, 'E_BAD_BASE64', `${field} is empty; expected base64 of a WAV, OGG, FLAC or MP3 file`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s) || s.length % 4 === 1) {
    throw new ApiError(400, 'E_BAD_BASE64', `${field} is not valid base64 (${s.length} characters)`);
  }
  return new Uint8Array(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

export function checkSampleRate(value: unknown, field = 'sample_rate'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1000 || n > 384000) {
    throw new ApiError(400, 'E_SAMPLE_RATE', `${field} must be an integer between 1000 and 384000 Hz, received ${describe(value)}`);
  }
  return n;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 20 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return value === undefined ? 'nothing' : String(value);
}

/** Converts headerless s16le mono PCM to float samples. */
export function decodeRawPcm(bytes: Uint8Array, sampleRate: number, limits: AudioLimits): DecodedClip {
  if (bytes.length % 2 !== 0) {
    throw new ApiError(400, 'E_BAD_AUDIO', `Raw PCM must be 16-bit little-endian samples (an even number of bytes), received ${bytes.length} bytes`);
  }
  const count = bytes.length / 2;
  if (count === 0) throw new ApiError(400, 'E_BAD_AUDIO', 'Raw PCM body holds no samples');
  checkDuration(count / sampleRate, limits);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return { samples, sampleRate, durationSeconds: count / sampleRate };
}

export function checkDuration(seconds: number, limits: AudioLimits): void {
  if (seconds > limits.maxAudioSeconds) {
    throw new ApiError(413, 'E_AUDIO_TOO_LONG', `Audio is ${seconds.toFixed(2)} s long; the maximum is ${limits.maxAudioSeconds} s`);
  }
}

/**
 * Bytes → decoded mono clip. Encoded files carry their own sample rate (a `sample_rate` sent alongside is
 * ignored); bytes that are not a known container are read as raw PCM, which needs `sampleRate`.
 */
export async function decodeAudioBytes(
  bytes: Uint8Array,
  sampleRate: number | undefined,
  decode: AudioDecoder,
  limits: AudioLimits,
  declared?: AudioContainer | 'raw',
): Promise<DecodedClip> {
  const container = declared === 'raw' ? undefined : sniffContainer(bytes);
  if (container === undefined) {
    if (sampleRate === undefined) {
      throw new ApiError(400, 'E_BAD_AUDIO', declared === 'raw'
        ? 'Raw PCM needs sample_rate (query parameter or the rate= parameter of Content-Type)'
        : `Audio is not a WAV, OGG, FLAC or MP3 file (${bytes.length} bytes); headerless 16-bit PCM needs sample_rate`);
    }
    return decodeRawPcm(bytes, sampleRate, limits);
  }
  if (declared !== undefined && declared !== container) {
    throw new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', `Content-Type says ${declared} but the body is a ${container} file`);
  }
  const clip = await decode(bytes);
  if (!(clip.samples.length > 0)) throw new ApiError(400, 'E_BAD_AUDIO', `The ${container} file holds no audio samples`);
  checkDuration(clip.durationSeconds, limits);
  return clip;
}

/** Maps a raw-body Content-Type to the container it promises; throws 415 for unsupported audio types. */
export function containerForMediaType(contentType: string): { kind: AudioContainer | 'raw'; rate?: string } {
  const [type = '', ...params] = contentType.split(';').map((s) => s.trim());
  const mediaType = type.toLowerCase();
  const rate = params.map((p) => p.split('=')).find(([k = '']) => k.trim().toLowerCase() === 'rate')?.[1]?.trim();
  if (RAW_PCM_TYPES.includes(mediaType)) return { kind: 'raw', ...(rate === undefined ? {} : { rate }) };
  const kind = CONTAINER_TYPES[mediaType];
  if (!kind) {
    throw new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type ${JSON.stringify(mediaType.slice(0, 60))}; accepted: application/json, multipart/form-data, ${ACCEPTED_AUDIO_TYPES.join(', ')}`);
  }
  return { kind };
}
