import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** Element types we can widen to float32, with their size in bytes. */
const DTYPE_BYTES = { F32: 4, F64: 8, F16: 2, BF16: 2 } as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** One tensor of a safetensors file, widened to float32, row-major in the file's (PyTorch) layout. */
export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  /** Tensors by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  /** The optional `__metadata__` string map. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ReadSafetensorsOptions {
  /** Where the bytes came from (a path or URL); every error names it. */
  readonly source?: string;
}

/** A header larger than this is not a weights file (the format's own readers cap it at 100 MB too). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses safetensors bytes: an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }`, then the raw little-endian data
 * (offsets relative to its start). Platform-neutral: the caller reads the file. A short file, a header that is not
 * JSON or that disagrees with itself or the data (sizes, overlapping or out-of-range offsets), or a dtype other
 * than F32/F64/F16/BF16 is E_MODEL_FORMAT naming the source and the tensor.
 */
export function readSafetensors(bytes: Uint8Array, options: ReadSafetensorsOptions = {}): SafetensorsFile {
  const source = options.source ?? 'safetensors bytes';
  const fail: Fail = (message, field, expected, received) => {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${source}: ${message}`, { field, expected, received });
  };
  if (!(bytes instanceof Uint8Array)) fail('safetensors input must be bytes', 'bytes', 'a Uint8Array', describeValue(bytes));
  if (bytes.byteLength < 8) {
    fail('the file is truncated before the end of its 8-byte header length', 'header length', 'at least 8 bytes', `${bytes.byteLength} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    fail('the header length is implausible (not a safetensors file?)', 'header length', `at most ${MAX_HEADER_BYTES} bytes`, `${headerLength} bytes`);
  }
  if (8 + headerLength > bytes.byteLength) {
    fail('the file is truncated inside its JSON header', 'header', `${8 + headerLength} bytes or more`, `${bytes.byteLength} bytes`);
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;

  let metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, fail);
      continue;
    }
    const field = `tensors.${name}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`header entry of tensor ${name} is not an object`, field, '{ dtype, shape, data_offsets }', describeValue(raw));
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      fail(`tensor ${name} has an unsupported dtype`, `${field}.dtype`, Object.keys(DTYPE_BYTES).join(', '), describeValue(dtype));
    }
    const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor ${name} has an invalid shape`, `${field}.shape`, 'an array of non-negative integers', describeValue(shape));
    const [begin, end] = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isCount) ? offsets : [];
    if (begin === undefined || end === undefined || begin > end) {
      fail(`tensor ${name} has invalid data_offsets`, `${field}.data_offsets`, '[begin, end] with 0 ≤ begin ≤ end', JSON.stringify(offsets));
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (end - begin !== size) {
      fail(`the header lies about tensor ${name}: its data_offsets span ${end - begin} bytes but ${dtype} ${JSON.stringify(shape)} needs ${size}`, `${field}.data_offsets`, `${size} bytes`, `${end - begin} bytes`);
    }
    if (end > dataLength) {
      fail(`the file is truncated inside tensor ${name}`, `${field}.data_offsets`, `data up to byte ${end} after the header`, `${dataLength} bytes of data`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }

  // Two tensors sharing bytes means the header was not written by a safetensors writer: refuse rather than alias.
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byBegin.length; i++) {
    const prev = byBegin[i - 1]!;
    const cur = byBegin[i]!;
    if (cur.begin < prev.end) {
      fail(`the header lies: tensors ${prev.name} and ${cur.name} overlap`, `tensors.${cur.name}.data_offsets`, `begin ≥ ${prev.end} (end of ${prev.name})`, `begin ${cur.begin}`);
    }
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: Object.freeze([...e.shape]), data: decode(view, dataStart + e.begin, e.end - e.begin, e.dtype) });
  }
  return { tensors, metadata: Object.freeze(metadata) };
}

type Fail = (message: string, field: string, expected: string, received: string) => never;

function parseHeader(raw: Uint8Array, fail: Fail): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    return fail(`the header is not valid JSON (${(error as Error).message})`, 'header', 'a UTF-8 JSON object', `${raw.byteLength} bytes that do not parse`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('the header is not a JSON object', 'header', 'a JSON object of tensors', describeValue(parsed));
  }
  return parsed as Record<string, unknown>;
}

function parseMetadata(raw: unknown, fail: Fail): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    return fail('__metadata__ is not a map of strings', '__metadata__', 'an object of string values', describeValue(raw));
  }
  return { ...(raw as Record<string, string>) };
}

function decode(view: DataView, offset: number, byteLength: number, dtype: SafetensorsDtype): Float32Array {
  const n = byteLength / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(offset + 2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
