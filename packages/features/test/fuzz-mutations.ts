import fc from 'fast-check';
import { oggPageCrc, walkOggPages } from '../src/io/ogg-pages';

/** One mutation of a byte string; several are applied in sequence. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'field'; at: number; width: 1 | 2 | 4; value: number }
  | { kind: 'splice'; at: number; remove: number; insert: number[] };

export const mutation = (headerBytes: number): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    // Header fields (sizes, channel counts, rates, format tags, page lengths) get the values that break parsers.
    fc.record({
      kind: fc.constant('field' as const),
      at: fc.integer({ min: 0, max: headerBytes }),
      width: fc.constantFrom(1 as const, 2 as const, 4 as const),
      value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 0xff, 0xfffe, 0xffff, 0x7fffffff, 0xffffffff), fc.nat()),
    }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.integer({ min: 0, max: 16 }), insert: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }) }),
  );

export function mutate(base: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = base.slice();
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        bytes[at]! ^= 1 << m.bit;
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'field': {
        const view = new DataView(bytes.buffer);
        if (at + m.width > bytes.length) break;
        if (m.width === 1) view.setUint8(at, m.value & 0xff);
        else if (m.width === 2) view.setUint16(at, m.value & 0xffff, true);
        else view.setUint32(at, m.value >>> 0, true);
        break;
      }
      case 'splice': {
        const out = new Uint8Array(bytes.length - Math.min(m.remove, bytes.length - at) + m.insert.length);
        out.set(bytes.subarray(0, at), 0);
        out.set(m.insert, at);
        out.set(bytes.subarray(at + m.remove), at + m.insert.length);
        bytes = out;
        break;
      }
    }
  }
  return bytes;
}

/** Rewrites every whole page's checksum, so mutations reach the Vorbis decoder instead of stopping at the CRC check. */
export function fixOggCrcs(bytes: Uint8Array): Uint8Array {
  const { wholeBytes } = walkOggPages(bytes);
  let offset = 0;
  while (offset + 27 <= wholeBytes) {
    const headerEnd = offset + 27 + bytes[offset + 26]!;
    let end = headerEnd;
    for (let i = offset + 27; i < headerEnd; i++) end += bytes[i]!;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset + 22, oggPageCrc(bytes, offset, end), true);
    offset = end;
  }
  return bytes;
}
