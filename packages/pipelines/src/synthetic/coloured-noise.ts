import FFT from 'fft.js';
import type { Random } from '@noise-classifier/features';

/**
 * Power-law noise with power spectral density ∝ f^(-exponent): 0 white, 1 pink, 2 brown, −1 blue.
 * Synthesised in the frequency domain (random complex Gaussian bins scaled by f^(−exponent/2), inverse FFT),
 * which gives the exact slope at every frequency instead of a filter's approximation.
 * Output RMS is 1.
 */
export function powerLawNoise(
  length: number,
  exponent: number,
  sampleRate: number,
  prng: Random,
  minFrequency = 10,
): Float32Array {
  let size = 2;
  while (size < length) size *= 2;
  const fft = new FFT(size);
  // spectrum and time are interleaved complex arrays of 2 × size values, and length ≤ size.
  const spectrum = fft.createComplexArray() as number[];
  const half = size / 2;
  for (let k = 1; k <= half; k++) {
    const f = (k * sampleRate) / size;
    // Nothing below minFrequency: subsonic drift would dominate brown noise's RMS without being audible.
    const scale = f < minFrequency ? 0 : Math.pow(f, -exponent / 2);
    spectrum[2 * k] = prng.normal() * scale;
    spectrum[2 * k + 1] = k === half ? 0 : prng.normal() * scale;
  }
  // Hermitian symmetry so the inverse transform is real.
  for (let k = 1; k < half; k++) {
    spectrum[2 * (size - k)] = spectrum[2 * k]!;
    spectrum[2 * (size - k) + 1] = -spectrum[2 * k + 1]!;
  }
  const time = fft.createComplexArray() as number[];
  fft.inverseTransform(time, spectrum);
  const out = new Float32Array(length);
  let energy = 0;
  for (let i = 0; i < length; i++) {
    out[i] = time[2 * i]!;
    energy += out[i]! * out[i]!; // of the stored float32 value: the clips recorded in the model card depend on it
  }
  const rms = Math.sqrt(energy / Math.max(1, length));
  if (rms > 0) for (let i = 0; i < length; i++) out[i]! /= rms;
  return out;
}

export const NOISE_COLOUR_EXPONENTS = {
  white_noise: 0,
  pink_noise: 1,
  brown_noise: 2,
  blue_noise: -1,
} as const;
