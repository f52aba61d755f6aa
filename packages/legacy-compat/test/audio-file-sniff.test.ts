import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audioFileKind } from '@noise-classifier/features';

/** MLService's test: an audio file or headerless float32 PCM (features' one sniffer decides). */
const looksLikeAudioFile = (bytes: Uint8Array) => audioFileKind(bytes) !== undefined;
import { alarmClip, CLIP_SAMPLE_RATE, wavBytes } from './helpers/build-fixtures';

const mp3 = new Uint8Array(readFileSync(new URL('./fixtures/synthetic-alarm-1s.mp3', import.meta.url)));

function float32Bytes(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setFloat32(i * 4, s, true));
  return out;
}

describe('telling audio files from raw float32 PCM', () => {
  it('recognises files, including a bare MPEG stream without an ID3 tag', () => {
    expect(mp3[0]).toBe(0xff); // no ID3: starts with a frame sync
    expect(looksLikeAudioFile(mp3)).toBe(true);
    expect(looksLikeAudioFile(wavBytes(alarmClip(), CLIP_SAMPLE_RATE))).toBe(true);
    expect(looksLikeAudioFile(new TextEncoder().encode('OggS\0\0\0\0'))).toBe(true);
    expect(looksLikeAudioFile(new TextEncoder().encode('fLaC\0\0\0\0'))).toBe(true);
  });

  it('a PCM sample that happens to look like an MPEG frame header is still PCM', () => {
    // Bytes FF FB 90 3C: a valid MPEG-1 layer III header (128 kbit/s, 44.1 kHz), and the float32 0.0177.
    const samples = alarmClip().subarray(0, 48_000);
    const bytes = float32Bytes(samples);
    bytes.set([0xff, 0xfb, 0x90, 0x3c], 0);
    expect(new DataView(bytes.buffer).getFloat32(0, true)).toBeCloseTo(0.0177, 4);
    expect(looksLikeAudioFile(bytes)).toBe(false);
  });

  it('never mistakes random float32 PCM in [-1, 1] for a file (20 000 seeded buffers)', () => {
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    let mistaken = 0;
    let syncs = 0;
    for (let n = 0; n < 20_000; n++) {
      // Native byte order is little-endian on every machine Node runs on here; float32Bytes is the portable form.
      const bytes = new Uint8Array(Float32Array.from({ length: 512 }, rand).buffer);
      if (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) syncs++;
      if (looksLikeAudioFile(bytes)) mistaken++;
    }
    expect(syncs).toBeGreaterThan(0); // the ambiguous case does occur in random PCM…
    expect(mistaken).toBe(0); // …and the second-header check resolves it
  });
});
