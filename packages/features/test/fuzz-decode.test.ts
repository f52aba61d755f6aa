import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NoiseClassifierError } from '@noise-classifier/config';
import { decodeAudio } from '../src/index';
import { oggPageCrc, walkOggPages } from '../src/io/ogg-pages';
import { buildWav, fixture, sine } from './io-helpers';

/** One mutation of a byte string; several are applied in sequence. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'field'; at: number; width: 1 | 2 | 4; value: number }
  | { kind: 'splice'; at: number; remove: number; insert: number[] };

const mutation = (headerBytes: number): fc.Arbitrary<Mutation> =>
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

function mutate(base: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = base.slice();
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        bytes[at] ^= 1 << m.bit;
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
function fixOggCrcs(bytes: Uint8Array): Uint8Array {
  const { wholeBytes } = walkOggPages(bytes);
  let offset = 0;
  while (offset + 27 <= wholeBytes) {
    const headerEnd = offset + 27 + bytes[offset + 26];
    let end = headerEnd;
    for (let i = offset + 27; i < headerEnd; i++) end += bytes[i];
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset + 22, oggPageCrc(bytes, offset, end), true);
    offset = end;
  }
  return bytes;
}

/** Decodes or fails with NoiseClassifierError; anything else (another exception, NaN, empty output) fails the property. */
async function decodesCleanlyOrFailsWithOurError(bytes: Uint8Array, allowTruncated: boolean): Promise<boolean> {
  try {
    const decoded = await decodeAudio(bytes, { allowTruncated, maxDurationSeconds: 60 });
    expect(decoded.samples.length).toBeGreaterThan(0);
    expect(decoded.sampleRate).toBeGreaterThan(0);
    for (let i = 0; i < decoded.samples.length; i++) {
      if (!Number.isFinite(decoded.samples[i])) throw new Error(`non-finite sample ${decoded.samples[i]} at ${i}`);
    }
    return true;
  } catch (error) {
    if (error instanceof NoiseClassifierError) return true;
    throw error;
  }
}

const wavs = [
  buildWav({ channels: [sine(440, 8000, 64)], sampleRate: 8000, kind: 'pcm16' }),
  buildWav({ channels: [sine(440, 8000, 40), sine(220, 8000, 40)], sampleRate: 8000, kind: 'pcm24', extensible: true }),
  buildWav({ channels: [sine(440, 8000, 32)], sampleRate: 44100, kind: 'float32', extraChunks: [{ id: 'LIST', body: new Uint8Array([1, 2, 3]) }] }),
  buildWav({ channels: [sine(440, 8000, 32), sine(1, 8000, 32), sine(2, 8000, 32)], sampleRate: 22050, kind: 'pcm8' }),
  buildWav({ channels: [sine(440, 8000, 16)], sampleRate: 16000, kind: 'float64' }),
];

describe('fuzz: mutated files decode or throw NoiseClassifierError', () => {
  it('3000 mutated WAVs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: wavs.length - 1 }), fc.array(mutation(80), { minLength: 1, maxLength: 4 }), fc.boolean(), async (which, mutations, allowTruncated) =>
        decodesCleanlyOrFailsWithOurError(mutate(wavs[which], mutations), allowTruncated),
      ),
      { numRuns: 3000, seed: 20261126 },
    );
  });

  it('400 mutated OGG Vorbis files (half with checksums repaired, so the Vorbis decoder sees the damage)', async () => {
    const ogg = fixture('synthetic-alarm-0.3s.ogg');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(200), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), async (mutations, allowTruncated, repair) => {
        const bytes = mutate(ogg, mutations);
        return decodesCleanlyOrFailsWithOurError(repair ? fixOggCrcs(bytes) : bytes, allowTruncated);
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });

  it('200 mutated FLAC and MP3 files', async () => {
    const files = [fixture('sine-24bit-16k.flac'), fixture('synthetic-alarm-1s.mp3')];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), fc.array(mutation(120), { minLength: 1, maxLength: 3 }), async (which, mutations) =>
        decodesCleanlyOrFailsWithOurError(mutate(files[which], mutations), false),
      ),
      { numRuns: 200, seed: 20261129 },
    );
  });

  it('random byte strings, and random bytes behind each magic number', async () => {
    const magics = ['RIFF\u0000\u0000\u0000\u0000WAVE', 'OggS', 'fLaC', 'ID3', '\u00ff\u00fb'].map((m) => Uint8Array.from(m, (c) => c.charCodeAt(0)));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1, max: magics.length - 1 }), fc.uint8Array({ maxLength: 300 }), async (which, tail) => {
        const head = which < 0 ? new Uint8Array(0) : magics[which];
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        return decodesCleanlyOrFailsWithOurError(bytes, false);
      }),
      { numRuns: 400, seed: 20261128 },
    );
  });
});
