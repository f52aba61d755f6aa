import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, NoiseClassifierError } from '@noise-classifier/config';
import { decodeAudio, encodeWav } from '../src/index';
import { fixOggCrcs, mutate, mutation } from './fuzz-mutations';
import { buildWav, fixture, sine } from './io-helpers';

/** The codes a decoder may fail with; any other code (or any other exception type) fails the property. */
const DECODER_CODES = new Set(['E_DECODE', 'E_BAD_AUDIO', 'E_UNSUPPORTED_CODEC', 'E_UNSUPPORTED_FORMAT', 'E_SAMPLE_RATE', 'E_INPUT_TOO_LARGE']);

/** Outcomes per seed kind, printed at the end (docs/results.md quotes them). */
const tally: Record<string, Record<string, number>> = {};
const count = (kind: string, outcome: string) => {
  tally[kind] ??= {};
  tally[kind][outcome] = (tally[kind][outcome] ?? 0) + 1;
};
const started = Date.now();
const cpuAtStart = process.cpuUsage();
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage(cpuAtStart);
  return (user + system) / 1e6;
};
afterAll(() => {
  const total = Object.values(tally).reduce((n, t) => n + Object.values(t).reduce((a, b) => a + b, 0), 0);
  console.log(`fuzz: ${total} mutated files in ${((Date.now() - started) / 1000).toFixed(1)} s (${cpuSeconds().toFixed(1)} s CPU)`, JSON.stringify(tally));
});

/**
 * Decodes or fails with a NoiseClassifierError of a decoder code; anything else (another exception type, an
 * unknown code, NaN or infinite samples, empty output, a rate outside 1 kHz–384 kHz) fails the property.
 */
async function decodesCleanlyOrFailsWithOurError(bytes: Uint8Array, allowTruncated: boolean, kind = 'other'): Promise<boolean> {
  let decoded;
  try {
    decoded = await decodeAudio(bytes, { allowTruncated, maxDurationSeconds: 60 });
  } catch (error) {
    if (!(error instanceof NoiseClassifierError)) throw error;
    if (!DECODER_CODES.has(error.code)) throw new Error(`unexpected code ${error.code}: ${error.message}`);
    // Errors thrown inside a decoder package (their bugs) are counted apart: they are wrapped, never leaked.
    const cause = (error as { cause?: unknown }).cause;
    count(kind, cause instanceof Error && !(cause instanceof NoiseClassifierError) ? `${error.code} (${cause.name} inside the decoder)` : error.code);
    return true;
  }
  expect(decoded.samples.length).toBeGreaterThan(0);
  expect(decoded.sampleRate).toBeGreaterThanOrEqual(MIN_SAMPLE_RATE);
  expect(decoded.sampleRate).toBeLessThanOrEqual(MAX_SAMPLE_RATE);
  expect(Number.isFinite(decoded.durationSeconds)).toBe(true);
  for (let i = 0; i < decoded.samples.length; i++) {
    if (!Number.isFinite(decoded.samples[i])) throw new Error(`non-finite sample ${decoded.samples[i]} at ${i}`);
  }
  count(kind, 'decoded');
  return true;
}

const wavs = [
  buildWav({ channels: [sine(440, 8000, 64)], sampleRate: 8000, kind: 'pcm16' }),
  buildWav({ channels: [sine(440, 8000, 40), sine(220, 8000, 40)], sampleRate: 8000, kind: 'pcm24', extensible: true }),
  buildWav({ channels: [sine(440, 8000, 32)], sampleRate: 44100, kind: 'float32', extraChunks: [{ id: 'LIST', body: new Uint8Array([1, 2, 3]) }] }),
  buildWav({ channels: [sine(440, 8000, 32), sine(1, 8000, 32), sine(2, 8000, 32)], sampleRate: 22050, kind: 'pcm8' }),
  buildWav({ channels: [sine(440, 8000, 16)], sampleRate: 16000, kind: 'float64' }),
  encodeWav(Float32Array.from(sine(1000, 16000, 160)), 16000),
];

// ≥ 10,000 mutated files per CI run (seeded: a failure prints its seed and path, and repeats). WAV parsing is ours
// and cheap (~0.3 ms a file); each OGG/FLAC/MP3 decode instantiates a WebAssembly decoder (~3–5 ms on a quiet core).
const RUNS = { wav: 6500, ogg: 2000, flac: 700, mp3: 500, random: 400 };
const TIMEOUT_MS = 120_000;

describe('fuzz: mutated files decode or throw NoiseClassifierError', () => {
  it(`${RUNS.wav} mutated WAVs`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: wavs.length - 1 }), fc.array(mutation(80), { minLength: 1, maxLength: 4 }), fc.boolean(), async (which, mutations, allowTruncated) =>
        decodesCleanlyOrFailsWithOurError(mutate(wavs[which]!, mutations), allowTruncated, 'wav'),
      ),
      { numRuns: RUNS.wav, seed: 20261126 },
    );
  }, TIMEOUT_MS);

  it(`${RUNS.ogg} mutated OGG Vorbis files (two thirds with page checksums recomputed, so the Vorbis decoder sees the damage)`, async () => {
    const ogg = fixture('synthetic-alarm-0.3s.ogg');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(200), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer({ min: 0, max: 2 }), async (mutations, allowTruncated, repair) => {
        const bytes = mutate(ogg, mutations);
        return repair > 0
          ? decodesCleanlyOrFailsWithOurError(fixOggCrcs(bytes), allowTruncated, 'ogg (checksums recomputed)')
          : decodesCleanlyOrFailsWithOurError(bytes, allowTruncated, 'ogg');
      }),
      { numRuns: RUNS.ogg, seed: 20261127 },
    );
  }, TIMEOUT_MS);

  it(`${RUNS.flac} mutated FLAC files`, async () => {
    const flac = fixture('sine-24bit-16k.flac');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(120), { minLength: 1, maxLength: 3 }), fc.boolean(), async (mutations, allowTruncated) =>
        decodesCleanlyOrFailsWithOurError(mutate(flac, mutations), allowTruncated, 'flac'),
      ),
      { numRuns: RUNS.flac, seed: 20261129 },
    );
  }, TIMEOUT_MS);

  it(`${RUNS.mp3} mutated MP3 files`, async () => {
    const mp3 = fixture('synthetic-alarm-1s.mp3');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(120), { minLength: 1, maxLength: 3 }), async (mutations) =>
        decodesCleanlyOrFailsWithOurError(mutate(mp3, mutations), false, 'mp3'),
      ),
      { numRuns: RUNS.mp3, seed: 20261130 },
    );
  }, TIMEOUT_MS);

  it('random byte strings, and random bytes behind each magic number', async () => {
    const magics = ['RIFF\u0000\u0000\u0000\u0000WAVE', 'OggS', 'fLaC', 'ID3', '\u00ff\u00fb'].map((m) => Uint8Array.from(m, (c) => c.charCodeAt(0)));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1, max: magics.length - 1 }), fc.uint8Array({ maxLength: 300 }), async (which, tail) => {
        const head = which < 0 ? new Uint8Array(0) : magics[which]!;
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        return decodesCleanlyOrFailsWithOurError(bytes, false, 'random bytes');
      }),
      { numRuns: RUNS.random, seed: 20261128 },
    );
  }, TIMEOUT_MS);

  it('at least 10,000 mutants, decoded within the CI budget (60 s of CPU; wall time depends on the machine\'s load)', () => {
    expect(Object.values(tally).reduce((n, t) => n + Object.values(t).reduce((a, b) => a + b, 0), 0)).toBeGreaterThanOrEqual(10_000);
    expect(cpuSeconds()).toBeLessThan(60);
  });
});
