import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../src/index';
import { MN04_WEIGHTS } from './efficientat-helpers';

/** Writes a safetensors file in memory: header length (u64 LE), JSON header, data. */
function safetensorsBytes(header: Record<string, unknown>, data: Uint8Array, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

const f32Bytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

/** A valid two-tensor file: a [2, 2] F32 matrix and a [2] F32 vector. */
function goodFile() {
  const header = {
    __metadata__: { format: 'pt' },
    'layer.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
    'layer.bias': { dtype: 'F32', shape: [2], data_offsets: [16, 24] },
  };
  return { header, data: f32Bytes([1, 2, 3, 4, 0.5, -0.5]) };
}

const SOURCE = '/models/tiny.safetensors';
const formatError = (...fragments: string[]) =>
  expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringMatching(new RegExp(fragments.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'))) });

describe('readSafetensors', () => {
  it('reads tensors (name, dtype, shape, float32 data) and the metadata', () => {
    const { header, data } = goodFile();
    const file = readSafetensors(safetensorsBytes(header, data), { source: SOURCE });
    expect([...file.tensors.keys()]).toEqual(['layer.weight', 'layer.bias']);
    expect(file.tensors.get('layer.weight')).toEqual({ dtype: 'F32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    expect(file.tensors.get('layer.bias')!.data).toEqual(Float32Array.from([0.5, -0.5]));
    expect(file.metadata).toEqual({ format: 'pt' });
  });

  it('widens F16, BF16 and F64 to float32', () => {
    const data = new Uint8Array(2 * 2 + 2 * 2 + 8);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true); // F16 1.0
    view.setUint16(2, 0xc100, true); // F16 -2.5
    view.setUint16(4, 0x3f80, true); // BF16 1.0
    view.setUint16(6, 0x4040, true); // BF16 3.0
    view.setFloat64(8, 0.1, true);
    const file = readSafetensors(safetensorsBytes({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      d: { dtype: 'F64', shape: [], data_offsets: [8, 16] },
    }, data));
    expect([...file.tensors.get('h')!.data]).toEqual([1, -2.5]);
    expect([...file.tensors.get('b')!.data]).toEqual([1, 3]);
    expect(file.tensors.get('d')!.data[0]).toBeCloseTo(0.1, 7);
  });

  it('refuses truncated files, naming the file and where the bytes ran out', () => {
    const { header, data } = goodFile();
    const bytes = safetensorsBytes(header, data);
    expect(() => readSafetensors(bytes.subarray(0, 5), { source: SOURCE })).toThrowError(formatError(SOURCE, 'truncated', 'header length'));
    expect(() => readSafetensors(bytes.subarray(0, 40), { source: SOURCE })).toThrowError(formatError(SOURCE, 'truncated inside its JSON header'));
    // Cut inside the last tensor's data: the error names that tensor.
    expect(() => readSafetensors(bytes.subarray(0, bytes.byteLength - 4), { source: SOURCE })).toThrowError(formatError(SOURCE, 'truncated inside tensor layer.bias'));
  });

  it('refuses a header that lies: not JSON, sizes that disagree with shape and dtype, overlapping tensors', () => {
    const { header, data } = goodFile();
    expect(() => readSafetensors(safetensorsBytes({}, data, '{"layer.weight": {'), { source: SOURCE })).toThrowError(formatError(SOURCE, 'not valid JSON'));
    expect(() => readSafetensors(safetensorsBytes({}, data, '[1, 2]'), { source: SOURCE })).toThrowError(formatError(SOURCE, 'not a JSON object'));
    const wrongSize = { ...header, 'layer.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } };
    expect(() => readSafetensors(safetensorsBytes(wrongSize, data), { source: SOURCE })).toThrowError(formatError(SOURCE, 'header lies about tensor layer.weight', 'needs 24'));
    const overlapping = { ...header, 'layer.bias': { dtype: 'F32', shape: [2], data_offsets: [8, 16] } };
    expect(() => readSafetensors(safetensorsBytes(overlapping, data), { source: SOURCE })).toThrowError(formatError(SOURCE, 'layer.weight and layer.bias overlap'));
    const backwards = { ...header, 'layer.bias': { dtype: 'F32', shape: [2], data_offsets: [24, 16] } };
    expect(() => readSafetensors(safetensorsBytes(backwards, data), { source: SOURCE })).toThrowError(formatError(SOURCE, 'layer.bias has invalid data_offsets'));
    const hugeHeader = new Uint8Array(16);
    new DataView(hugeHeader.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => readSafetensors(hugeHeader, { source: SOURCE })).toThrowError(formatError(SOURCE, 'header length is implausible'));
    expect(() => readSafetensors(safetensorsBytes({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, data))).toThrowError(formatError('x has an invalid shape'));
  });

  it('refuses dtypes it cannot widen to float32, naming the tensor', () => {
    const header = { 'features.0.1.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] } };
    const error = (() => {
      try {
        readSafetensors(safetensorsBytes(header, new Uint8Array(8)), { source: SOURCE });
      } catch (e) {
        return e as { code: string; message: string; field: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('E_MODEL_FORMAT');
    expect(error?.field).toBe('tensors.features.0.1.num_batches_tracked.dtype');
    expect(error?.message).toContain('unsupported dtype');
    expect(error?.message).toContain('"I64"');
    expect(() => readSafetensors('not bytes' as never)).toThrowError(formatError('must be bytes'));
  });

  it('reads the published mn04 weights: 266 float32 tensors, 993,439 values', () => {
    const file = readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS });
    expect(file.tensors.size).toBe(266);
    expect([...file.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    expect([...file.tensors.values()].reduce((n, t) => n + t.data.length, 0)).toBe(993_439);
    expect(file.tensors.get('classifier.5.weight')!.shape).toEqual([527, 512]);
  });
});
