import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import { checkSamples } from './prepare-audio';

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

export interface EncodeWavOptions {
  /** Sample encoding (default 'pcm16', what most tools expect; 'float32' keeps every value exactly). */
  readonly format?: WavSampleFormat;
  /**
   * Integer formats only: clamp samples outside [-1, 1] instead of rejecting them. Off by default, so a signal
   * that would be distorted is an error rather than a silent change.
   */
  readonly clip?: boolean;
}

const BYTES_PER_SAMPLE: Record<WavSampleFormat, number> = { pcm16: 2, pcm24: 3, float32: 4 };
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const HEADER_BYTES = 44;
const MAX_RIFF_BYTES = 0xffffffff;

/**
 * Encodes samples in [-1, 1] as a canonical RIFF WAVE file (44-byte header, one `data` chunk): mono from one array,
 * several channels (interleaved in the file) from an array of equally long arrays. Integer scaling is the inverse
 * of `decodeWav`'s (x · 32768 for 16 bits, rounded, the positive end clamped to the largest code), so a 16-bit
 * round trip returns every sample to within 1/32768.
 */
export function encodeWav(
  samples: Float32Array | Float64Array | readonly number[] | readonly (Float32Array | Float64Array | readonly number[])[],
  sampleRate: number,
  options: EncodeWavOptions = {},
): Uint8Array {
  const format = options.format ?? 'pcm16';
  if (!(format in BYTES_PER_SAMPLE)) {
    throw new NoiseClassifierError('E_CONFIG', 'Unknown WAV sample format', {
      field: 'format', expected: "'pcm16', 'pcm24' or 'float32'", received: describeValue(format),
    });
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new NoiseClassifierError('E_SAMPLE_RATE', 'The WAV sample rate must be a positive integer', {
      field: 'sampleRate', expected: 'an integer from 1 to 4294967295 Hz', received: describeValue(sampleRate),
    });
  }
  const channels = toChannels(samples);
  const frames = channels[0]!.length;
  const width = BYTES_PER_SAMPLE[format];
  const dataBytes = frames * channels.length * width;
  if (HEADER_BYTES - 8 + dataBytes > MAX_RIFF_BYTES) {
    throw new NoiseClassifierError('E_INPUT_TOO_LARGE', 'The audio does not fit in a RIFF WAVE file (4 GiB)', {
      field: 'samples', expected: `at most ${Math.floor((MAX_RIFF_BYTES - HEADER_BYTES + 8) / (channels.length * width))} frames`, received: `${frames} frames`,
    });
  }
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  writeHeader(view, { format, channels: channels.length, sampleRate, width, dataBytes });
  let offset = HEADER_BYTES;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) {
      const x = Number(channels[c]![i]);
      if (format === 'float32') view.setFloat32(offset, x, true);
      else writeInteger(view, offset, toInteger(x, width, options.clip === true, c, i, channels.length), width);
      offset += width;
    }
  }
  return bytes;
}

function toChannels(samples: unknown): readonly (Float32Array | Float64Array | readonly number[])[] {
  const isChannelList = Array.isArray(samples) && samples.length > 0 && typeof samples[0] !== 'number';
  const list = isChannelList ? (samples as unknown[]) : [samples];
  const channels = list.map((channel, c) => checkSamples(channel, isChannelList ? `samples[${c}]` : 'samples'));
  const frames = channels[0]!.length;
  channels.forEach((channel, c) => {
    if (channel.length !== frames) {
      throw new NoiseClassifierError('E_BAD_AUDIO', 'All channels must have the same length', {
        field: `samples[${c}]`, expected: `${frames} samples (as samples[0])`, received: `${channel.length} samples`,
      });
    }
  });
  if (channels.length > 0xffff) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'Too many channels for a WAV file', {
      field: 'samples', expected: 'at most 65535 channels', received: `${channels.length}`,
    });
  }
  return channels;
}

function writeHeader(view: DataView, f: { format: WavSampleFormat; channels: number; sampleRate: number; width: number; dataBytes: number }): void {
  const text = (offset: number, s: string) => [...s].forEach((ch, i) => view.setUint8(offset + i, ch.charCodeAt(0)));
  const blockAlign = f.channels * f.width;
  text(0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + f.dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, f.format === 'float32' ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  view.setUint16(22, f.channels, true);
  view.setUint32(24, f.sampleRate, true);
  view.setUint32(28, f.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, f.width * 8, true);
  text(36, 'data');
  view.setUint32(40, f.dataBytes, true);
}

function toInteger(x: number, width: number, clip: boolean, channel: number, index: number, channelCount: number): number {
  const scale = 2 ** (8 * width - 1);
  if ((x < -1 || x > 1) && !clip) {
    const field = channelCount > 1 ? `samples[${channel}][${index}]` : `samples[${index}]`;
    throw new NoiseClassifierError('E_BAD_AUDIO', `${field} is outside [-1, 1] and would clip`, {
      field, expected: 'a sample in [-1, 1] (or the option clip: true, or format float32)', received: String(x),
    });
  }
  return Math.max(-scale, Math.min(scale - 1, Math.round(x * scale)));
}

function writeInteger(view: DataView, offset: number, value: number, width: number): void {
  if (width === 2) {
    view.setInt16(offset, value, true);
    return;
  }
  // 24-bit little-endian two's complement.
  const v = value < 0 ? value + 0x1000000 : value;
  view.setUint8(offset, v & 0xff);
  view.setUint8(offset + 1, (v >> 8) & 0xff);
  view.setUint8(offset + 2, (v >> 16) & 0xff);
}
