import { describe, expect, it } from 'vitest';
import { createAudioFeatureConfig, NoiseClassifierError } from '@noise-classifier/config';
import { framesToSeconds, makeModelWindows, secondsToFrames, windowStarts, windowTimes, type Spectrogram } from '../src/index';

/** value(b, f) = b * 1000 + f, so every cell says where it came from. */
function ramp(bins: number, frames: number, offset = 0): Spectrogram {
  const data = new Float32Array(bins * frames);
  for (let b = 0; b < bins; b++) for (let f = 0; f < frames; f++) data[b * frames + f] = b * 1000 + f + offset;
  return { data, bins, frames };
}

const small = createAudioFeatureConfig({ spectrogramHeight: 4, spectrogramWidth: 8, nMels: 4, nMfcc: 4 });

describe('windowStarts', () => {
  it('hop steps, last window aligned to the end, no duplicates', () => {
    expect(windowStarts(5, 8, 4)).toEqual([0]);
    expect(windowStarts(8, 8, 4)).toEqual([0]);
    expect(windowStarts(9, 8, 4)).toEqual([0, 1]);
    expect(windowStarts(12, 8, 4)).toEqual([0, 4]);
    expect(windowStarts(13, 8, 4)).toEqual([0, 4, 5]);
    expect(windowStarts(300, 128, 64)).toEqual([0, 64, 128, 172]);
  });

  it('every frame is covered and every window is full length (property)', () => {
    for (let frames = 1; frames < 200; frames += 7) {
      for (const hop of [1, 3, 4, 7, 8]) {
        const starts = windowStarts(frames, 8, hop);
        const covered = new Set<number>();
        for (const s of starts) for (let f = s; f < Math.min(frames, s + 8); f++) covered.add(f);
        expect(covered.size).toBe(frames);
        if (frames >= 8) expect(starts.every((s) => s + 8 <= frames)).toBe(true);
      }
    }
  });
});

describe('makeModelWindows', () => {
  it('short audio: one window, real frames left, channel 0 padded with the spectrogram minimum', () => {
    const spec = ramp(4, 5, -80);
    const batch = makeModelWindows(spec, { config: small });
    expect([batch.count, batch.channels, batch.height, batch.width]).toEqual([1, 1, 4, 8]);
    expect(batch.startFrames).toEqual([0]);
    expect(batch.validFrames).toEqual([5]);
    expect(Array.from(batch.data.subarray(8, 16))).toEqual([920, 921, 922, 923, 924, -80, -80, -80]);
  });

  it('long audio: NCHW layout, windows copy the right frames, last window ends on the last frame', () => {
    const spec = ramp(4, 13);
    const batch = makeModelWindows(spec, { config: small, hopFrames: 4 });
    expect(batch.count).toBe(3);
    expect(batch.startFrames).toEqual([0, 4, 5]);
    expect(batch.validFrames).toEqual([8, 8, 8]);
    for (let w = 0; w < 3; w++) {
      for (let b = 0; b < 4; b++) {
        for (let x = 0; x < 8; x++) expect(batch.data[w * 32 + b * 8 + x]).toBe(b * 1000 + batch.startFrames[w]! + x);
      }
    }
  });

  it('default hop is half a window; 128 × 128 from the default config', () => {
    const spec = ramp(128, 400);
    const batch = makeModelWindows(spec);
    expect(batch.startFrames).toEqual([0, 64, 128, 192, 256, 272]);
    expect(batch.data.length).toBe(6 * 128 * 128);
  });

  it('3 channels from deltas: channel order, and delta padding is 0', () => {
    const spec = ramp(4, 6, -50);
    const d1 = ramp(4, 6, 0.25);
    const d2 = ramp(4, 6, 0.5);
    const batch = makeModelWindows(spec, { config: small, deltas: [d1, d2] });
    expect(batch.channels).toBe(3);
    expect(batch.data.length).toBe(3 * 32);
    expect(batch.data[0]).toBe(-50);
    expect(batch.data[32]).toBe(0.25);
    expect(batch.data[64]).toBe(0.5);
    expect(Array.from(batch.data.subarray(32 + 6, 32 + 8))).toEqual([0, 0]);
    expect(Array.from(batch.data.subarray(6, 8))).toEqual([-50, -50]);
  });

  it('explicit padValue', () => {
    const batch = makeModelWindows(ramp(4, 2), { config: small, padValue: -100 });
    expect(batch.data[7]).toBe(-100);
  });

  it('bins ≠ spectrogramHeight is a clear E_CONFIG error', () => {
    try {
      makeModelWindows(ramp(64, 10));
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(NoiseClassifierError);
      expect((error as NoiseClassifierError).code).toBe('E_CONFIG');
      expect((error as NoiseClassifierError).message).toContain('64 bins');
      expect((error as NoiseClassifierError).message).toContain('128');
    }
  });

  it('rejects malformed spectrograms, mismatched deltas, bad hop', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as NoiseClassifierError).code;
      }
      return 'none';
    };
    expect(code(() => makeModelWindows({ data: new Float32Array(3), bins: 4, frames: 1 }, { config: small }))).toBe('E_BAD_AUDIO');
    expect(code(() => makeModelWindows({ data: new Float32Array(0), bins: 4, frames: 0 }, { config: small }))).toBe('E_BAD_AUDIO');
    expect(code(() => makeModelWindows(ramp(4, 5), { config: small, deltas: [ramp(4, 5), ramp(4, 6)] }))).toBe('E_BAD_AUDIO');
    expect(code(() => makeModelWindows(ramp(4, 5), { config: small, hopFrames: 0 }))).toBe('E_CONFIG');
    expect(code(() => makeModelWindows(ramp(4, 5), { config: small, hopFrames: 9 }))).toBe('E_CONFIG');
  });
});

describe('frames ↔ seconds', () => {
  it('centred frames: frame f is at f·hop / sampleRate; round trip', () => {
    const config = createAudioFeatureConfig();
    expect(framesToSeconds(94, config)).toBeCloseTo((94 * 512) / 48000, 12);
    for (const f of [0, 1, 93, 1000]) expect(secondsToFrames(framesToSeconds(f, config), config)).toBe(f);
    expect(secondsToFrames(1, config)).toBe(Math.round(48000 / 512));
  });

  it('uncentred frames are offset by nFft / 2', () => {
    const config = createAudioFeatureConfig({ center: false });
    expect(framesToSeconds(0, config)).toBeCloseTo(1024 / 48000, 12);
  });

  it('windowTimes spans each window’s real frames', () => {
    const batch = makeModelWindows(ramp(128, 200));
    const times = windowTimes(batch);
    expect(times[0]!.startSeconds).toBe(0);
    expect(times[times.length - 1]!.endSeconds).toBeCloseTo((199 * 512) / 48000, 12);
  });

  it('windowTimes refuses a batch with fewer validFrames than windows', () => {
    expect(() => windowTimes({ startFrames: [0, 64], validFrames: [128] })).toThrow(expect.objectContaining({ code: 'E_BAD_AUDIO', field: 'validFrames' }));
  });
});

describe('concatModelInputBatches', () => {
  it('joins batches in order and refuses mismatched shapes', async () => {
    const { concatModelInputBatches } = await import('../src/index');
    const make = (count: number, value: number, height = 2) => ({
      data: new Float32Array(count * height * 3).fill(value),
      count,
      channels: 1,
      height,
      width: 3,
      startFrames: Array.from({ length: count }, (_, i) => i * 10),
      validFrames: Array.from({ length: count }, () => 3),
    });
    const joined = concatModelInputBatches([make(2, 1), make(1, 7)]);
    expect(joined.count).toBe(3);
    expect(Array.from(joined.data.subarray(12))).toEqual([7, 7, 7, 7, 7, 7]);
    expect(joined.startFrames).toEqual([0, 10, 0]);
    expect(() => concatModelInputBatches([make(1, 1), make(1, 1, 4)])).toThrow(/different shapes/);
    expect(() => concatModelInputBatches([])).toThrow(/No window batches/);
  });
});
