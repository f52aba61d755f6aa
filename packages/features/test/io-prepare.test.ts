import { describe, expect, it } from 'vitest';
import { createAudioFeatureConfig } from '@noise-classifier/config';
import { decodeWav, prepareAudio, resample } from '../src/index';
import { buildWav, fixture, rejectionOf, rms, sine } from './io-helpers';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

describe('prepareAudio', () => {
  it('decodes bytes and resamples to config.sampleRate (default 48 kHz)', async () => {
    const bytes = readSharedClip(SHARED_CLIPS.drilling);
    const out = await prepareAudio(bytes);
    expect(out.length).toBe(Math.ceil((88200 * 48000) / 22050));
    expect(out).toEqual(resample(decodeWav(bytes).samples, 22050, 48000));
  });

  it('accepts an ArrayBuffer of an OGG file', async () => {
    const bytes = fixture('synthetic-alarm-0.3s.ogg');
    const out = await prepareAudio(bytes.slice().buffer, { config: createAudioFeatureConfig({ sampleRate: 16000 }) });
    expect(out.length).toBe(Math.ceil((6615 * 16000) / 22050));
    expect(rms(out)).toBeGreaterThan(0);
  });

  it('raw Float32Array, Float64Array and number[] need a sampleRate and are resampled', async () => {
    const x = sine(1000, 16000, 1600);
    const a = await prepareAudio(Float32Array.from(x), { sampleRate: 16000 });
    const b = await prepareAudio(Array.from(x), { sampleRate: 16000 });
    expect(a.length).toBe(4800);
    expect(b.length).toBe(4800);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6);
    const same = await prepareAudio(x, { sampleRate: 48000 });
    expect(same).toEqual(Float32Array.from(x));
    const missing = await rejectionOf(prepareAudio(x));
    expect(missing.code).toBe('E_SAMPLE_RATE');
    expect(missing.field).toBe('sampleRate');
  });

  it('bad inputs: empty, NaN/Infinity (index named), non-numeric, wrong type', async () => {
    const empty = await rejectionOf(prepareAudio(new Float32Array(0), { sampleRate: 16000 }));
    expect(empty.code).toBe('E_BAD_AUDIO');
    expect(empty.message).toContain('empty');
    const nan = await rejectionOf(prepareAudio(Float32Array.from([0, 0.1, Number.NaN]), { sampleRate: 16000 }));
    expect(nan.code).toBe('E_BAD_AUDIO');
    expect(nan.field).toBe('audio[2]');
    expect(nan.message).toContain('NaN');
    const inf = await rejectionOf(prepareAudio([0, Number.POSITIVE_INFINITY], { sampleRate: 16000 }));
    expect(inf.field).toBe('audio[1]');
    expect(inf.message).toContain('Infinity');
    const text = await rejectionOf(prepareAudio([0, '0.5' as unknown as number], { sampleRate: 16000 }));
    expect(text.field).toBe('audio[1]');
    expect(text.message).toContain('"0.5"');
    const obj = await rejectionOf(prepareAudio({ samples: [1] } as unknown as Float32Array, { sampleRate: 16000 }));
    expect(obj.code).toBe('E_BAD_AUDIO');
    expect((await rejectionOf(prepareAudio(new Uint8Array(0)))).code).toBe('E_BAD_AUDIO');
  });

  it('sample rate ≤ 0, non-integer or above 384 kHz is E_SAMPLE_RATE with the value', async () => {
    for (const sampleRate of [0, -8000, 44100.5, 384001, Number.NaN]) {
      const error = await rejectionOf(prepareAudio(new Float32Array(10), { sampleRate }));
      expect(error.code).toBe('E_SAMPLE_RATE');
      expect(error.message).toContain(String(sampleRate));
    }
    // The bound is inclusive: 384 kHz itself works.
    expect((await prepareAudio(new Float32Array(384), { sampleRate: 384000 })).length).toBe(48);
    // A WAV header claiming 500 kHz is caught too.
    const wav = buildWav({ channels: [new Float64Array(100)], sampleRate: 500000, kind: 'pcm16' });
    expect((await rejectionOf(prepareAudio(wav))).code).toBe('E_SAMPLE_RATE');
  });

  it('too long → E_INPUT_TOO_LARGE, for samples and for files', async () => {
    const long = await rejectionOf(prepareAudio(new Float32Array(16000 * 3), { sampleRate: 16000, maxDurationSeconds: 2 }));
    expect(long.code).toBe('E_INPUT_TOO_LARGE');
    expect(long.message).toContain('3.000 s');
    const file = await rejectionOf(prepareAudio(readSharedClip(SHARED_CLIPS.drilling), { maxDurationSeconds: 1 }));
    expect(file.code).toBe('E_INPUT_TOO_LARGE');
    const ogg = await rejectionOf(prepareAudio(readSharedClip(SHARED_CLIPS.dogBark), { maxDurationSeconds: 1 }));
    expect(ogg.code).toBe('E_INPUT_TOO_LARGE');
  });
});
