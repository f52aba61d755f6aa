/**
 * NumPy .npy format version 1.0 for float32 arrays: the magic string, a version, a little-endian uint16 header length
 * and a Python-literal header dict padded with spaces to a multiple of 64 bytes, then the raw C-order data.
 * (numpy.lib.format documents it; it is small enough to write directly rather than pull in a dependency.)
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) holds ${count} values but data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = 10 + header.length;
  for (let i = 0; i < data.length; i++) view.setFloat32(body + i * 4, data[i]!, true);
  return out;
}

/** Reads back what `encodeNpy` writes (v1.0, '<f4', C order). */
export function decodeNpy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  if (MAGIC.some((b, i) => bytes[i] !== b) || bytes[6] !== 1) throw new Error('not a version 1 .npy file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  if (!header.includes("'descr': '<f4'") || !header.includes("'fortran_order': False")) throw new Error(`unsupported .npy header: ${header.trim()}`);
  const shapeMatch = /'shape': \(([^)]*)\)/.exec(header);
  const shape = (shapeMatch?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = 10 + headerLength;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(body + i * 4, true);
  return { data, shape };
}
