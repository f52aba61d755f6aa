import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../src/index';
import { rejectionOf, sine } from './io-helpers';

describe('encodeWav', () => {
  it('round-trips 16-bit, 24-bit and float32 mono through decodeWav', () => {
    const x = Float32Array.from(sine(440, 16000, 1600, 0.9));
    x[0] = 1;
    x[1] = -1;
    for (const [format, tolerance] of [['pcm16', 1 / 32768], ['pcm24', 1 / 2 ** 23], ['float32', 0]] as const) {
      const bytes = encodeWav(x, 16000, { format });
      const decoded = decodeWav(bytes);
      expect(decoded.sampleRate).toBe(16000);
      expect(decoded.samples.length).toBe(x.length);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(decoded.samples[i]! - x[i]!));
      expect(worst, format).toBeLessThanOrEqual(tolerance);
    }
  });

  it('writes the canonical 44-byte header that other tools read', () => {
    const bytes = encodeWav([0, 0.5, -0.5], 22050);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(44 + 3 * 2);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint32(28, true)).toBe(22050 * 2); // byte rate
    expect(view.getInt16(44 + 2, true)).toBe(16384);
    expect(view.getInt16(44 + 4, true)).toBe(-16384);
  });

  it('interleaves channels; the decoder downmixes them to their mean', () => {
    const left = new Float32Array([0.5, 0.25, 0]);
    const right = new Float32Array([-0.5, 0.25, 1]);
    const bytes = encodeWav([left, right], 8000, { format: 'float32' });
    expect(new DataView(bytes.buffer).getUint16(22, true)).toBe(2);
    expect(Array.from(decodeWav(bytes).samples)).toEqual([0, 0.25, 0.5]);
  });

  it('rejects clipping samples unless asked to clip, and bad rates, lengths and values', async () => {
    expect(await rejectionOf(() => encodeWav([0, 1.5], 8000))).toMatchObject({ code: 'E_BAD_AUDIO', field: 'samples[1]' });
    const clipped = decodeWav(encodeWav([0, 1.5, -2], 8000, { clip: true })).samples;
    expect(clipped[1]).toBeCloseTo(32767 / 32768, 6);
    expect(clipped[2]).toBe(-1);
    expect(decodeWav(encodeWav([1.5], 8000, { format: 'float32' })).samples[0]).toBe(1.5);
    expect(await rejectionOf(() => encodeWav([0], 44100.5))).toMatchObject({ code: 'E_SAMPLE_RATE', field: 'sampleRate' });
    expect(await rejectionOf(() => encodeWav([0, Number.NaN], 8000))).toMatchObject({ code: 'E_BAD_AUDIO', field: 'samples[1]' });
    expect(await rejectionOf(() => encodeWav([[0, 0], [0]], 8000))).toMatchObject({ code: 'E_BAD_AUDIO', field: 'samples[1]' });
    expect(await rejectionOf(() => encodeWav([], 8000))).toMatchObject({ code: 'E_BAD_AUDIO' });
    expect(await rejectionOf(() => encodeWav([0], 8000, { format: 'mp3' as never }))).toMatchObject({ code: 'E_CONFIG', field: 'format' });
  });
});
