import { describe, expect, it } from 'vitest';
import { NoiseClassifierError } from '@noise-classifier/config';
import { decodeAudio } from '../src/index';
import { fixOggCrcs } from './fuzz-mutations';
import { buildWav, fixture, sine } from './io-helpers';

async function failureOf(bytes: Uint8Array): Promise<NoiseClassifierError> {
  const error = await decodeAudio(bytes).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NoiseClassifierError);
  return error as NoiseClassifierError;
}

/** The Vorbis identification header of the fixture: page header (27 bytes) + 1 lacing byte, then 0x01 "vorbis". */
const VORBIS_ID = 28;

describe('decoders refuse sample rates outside 1 kHz–384 kHz', () => {
  it.each([1, 2, 3, 4, 999, 384_001, 0xffffffff])('a WAV declaring %i Hz is E_SAMPLE_RATE naming the field and the range', async (rate) => {
    const error = await failureOf(buildWav({ channels: [sine(440, 8000, 64)], sampleRate: rate, kind: 'pcm16' }));
    expect(error.code).toBe('E_SAMPLE_RATE');
    expect(error.field).toBe('fmt.sampleRate');
    expect(error.message).toContain(`expected 1000–384000 Hz; received ${rate} Hz`);
  });

  it.each([1000, 384_000])('a WAV at %i Hz (the range ends) decodes', async (rate) => {
    const decoded = await decodeAudio(buildWav({ channels: [sine(440, 8000, 64)], sampleRate: rate, kind: 'pcm16' }));
    expect(decoded.sampleRate).toBe(rate);
  });

  it('an OGG Vorbis stream whose identification header says 4 Hz is E_SAMPLE_RATE', async () => {
    const ogg = fixture('synthetic-alarm-0.3s.ogg').slice();
    // vorbis_version (4 bytes) and audio_channels (1 byte) come before audio_sample_rate.
    new DataView(ogg.buffer, ogg.byteOffset).setUint32(VORBIS_ID + 7 + 4 + 1, 4, true);
    const error = await failureOf(fixOggCrcs(ogg));
    expect(error.code).toBe('E_SAMPLE_RATE');
    expect(error.message).toContain('received 4 Hz');
  });
});

describe("errors inside the Vorbis decoder package are caught at our boundary", () => {
  it('an OGG whose header fails the dependency’s own parser (codec-parser 2.5.0: "logError is not defined") is E_DECODE with the cause', async () => {
    const ogg = fixture('synthetic-alarm-0.3s.ogg').slice();
    ogg[VORBIS_ID + 7] = 1; // vorbis_version 1 (only 0 exists), page checksum recomputed so the decoder sees it
    const error = await failureOf(fixOggCrcs(ogg));
    expect(error.code).toBe('E_DECODE');
    expect(error.message).toMatch(/^OGG: /);
    const cause = (error as { cause?: unknown }).cause;
    // While the dependency bug lasts, the cause is its ReferenceError and our message names it; once fixed upstream,
    // the cause is whatever the decoder reports instead, still wrapped as E_DECODE.
    expect(cause).toBeInstanceOf(Error);
    if (cause instanceof ReferenceError) {
      expect(error.message).toContain('the decoder hit an internal error on this input');
      expect(error.message).toContain('received ReferenceError: logError is not defined');
    }
  });
});
