import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NoiseClassifierError } from '@noise-classifier/config';

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`./fixtures/audio/${name}`, import.meta.url))));
}

export interface WavSpec {
  /** Interleaved is built from these: channels[c][i]. Values in [-1, 1]. */
  channels: Float64Array[] | number[][];
  sampleRate: number;
  kind: 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';
  extensible?: boolean;
  /** Chunks inserted between fmt and data, e.g. an odd-sized LIST. */
  extraChunks?: { id: string; body: Uint8Array }[];
  /** Overrides the data chunk's size field. */
  dataSizeField?: number;
}

const WIDTH = { pcm8: 1, pcm16: 2, pcm24: 3, pcm32: 4, float32: 4, float64: 8 } as const;

/** Quantises a float in [-1, 1] the way writers do (round, clamp), so tests know the exact expected value. */
export function quantise(x: number, kind: WavSpec['kind']): number {
  switch (kind) {
    case 'pcm8':
      return Math.max(0, Math.min(255, Math.round(x * 128 + 128)));
    case 'pcm16':
      return Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
    case 'pcm24':
      return Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
    case 'pcm32':
      return Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648)));
    default:
      return x;
  }
}

export function dequantise(q: number, kind: WavSpec['kind']): number {
  switch (kind) {
    case 'pcm8':
      return (q - 128) / 128;
    case 'pcm16':
      return q / 32768;
    case 'pcm24':
      return q / 8388608;
    case 'pcm32':
      return q / 2147483648;
    case 'float32':
      return Math.fround(q);
    default:
      return q;
  }
}

function chunk(id: string, body: Uint8Array, sizeField = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, sizeField, true);
  out.set(body, 8);
  return out;
}

export function buildWav(spec: WavSpec): Uint8Array {
  const channels = spec.channels.length;
  const frames = spec.channels[0]!.length;
  const width = WIDTH[spec.kind];
  const isFloat = spec.kind.startsWith('float');
  const tag = spec.extensible ? 0xfffe : isFloat ? 3 : 1;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, tag, true);
  f.setUint16(2, channels, true);
  f.setUint32(4, spec.sampleRate, true);
  f.setUint32(8, spec.sampleRate * channels * width, true);
  f.setUint16(12, channels * width, true);
  f.setUint16(14, width * 8, true);
  if (spec.extensible) {
    f.setUint16(16, 22, true);
    f.setUint16(18, width * 8, true);
    f.setUint32(20, channels === 2 ? 3 : 0, true);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000x-0000-0010-8000-00aa00389b71}
    f.setUint16(24, isFloat ? 3 : 1, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const data = new Uint8Array(frames * channels * width);
  const d = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const o = (i * channels + c) * width;
      const q = quantise(spec.channels[c]![i]!, spec.kind);
      switch (spec.kind) {
        case 'pcm8':
          d.setUint8(o, q);
          break;
        case 'pcm16':
          d.setInt16(o, q, true);
          break;
        case 'pcm24':
          d.setUint8(o, q & 0xff);
          d.setUint8(o + 1, (q >> 8) & 0xff);
          d.setInt8(o + 2, q >> 16);
          break;
        case 'pcm32':
          d.setInt32(o, q, true);
          break;
        case 'float32':
          d.setFloat32(o, q, true);
          break;
        case 'float64':
          d.setFloat64(o, q, true);
          break;
      }
    }
  }
  const parts = [chunk('fmt ', fmt), ...(spec.extraChunks ?? []).map((c) => chunk(c.id, c.body)), chunk('data', data, spec.dataSizeField)];
  const bodyLength = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + bodyLength);
  out.set([0x52, 0x49, 0x46, 0x46], 0);
  new DataView(out.buffer).setUint32(4, bodyLength, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  let o = 12;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function sine(frequency: number, sampleRate: number, length: number, amplitude = 0.5, phase = 0): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate + phase);
  return out;
}

export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** The NoiseClassifierError a promise (or a throwing function) fails with; anything else fails the test. */
export async function rejectionOf(pending: Promise<unknown> | (() => unknown)): Promise<NoiseClassifierError> {
  try {
    await (typeof pending === 'function' ? pending() : pending);
  } catch (error) {
    if (!(error instanceof NoiseClassifierError)) throw new Error(`expected a NoiseClassifierError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a NoiseClassifierError, nothing was thrown');
}
