import { encodeWav as encodeWavFile } from '@noise-classifier/features';

/** Mono 16-bit PCM WAV bytes (test input generator); loud samples are clipped. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  return encodeWavFile(samples, sampleRate, { clip: true });
}

/** A seeded tone plus noise, `seconds` long. */
export function tone(seconds: number, sampleRate = 48000, hz = 440, seed = 1): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = 0.3 * Math.sin((2 * Math.PI * hz * i) / sampleRate) + 0.05 * (s / 2 ** 32 - 0.5);
  }
  return out;
}

export function toPcm16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const v = new DataView(out.buffer);
  samples.forEach((x, i) => v.setInt16(i * 2, Math.round(Math.max(-1, Math.min(1, x)) * 32767), true));
  return out;
}
