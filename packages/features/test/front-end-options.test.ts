import { EFFICIENTAT_MN04_FEATURE_CONFIG, NoiseClassifierError } from '@noise-classifier/config';
import { describe, expect, it } from 'vitest';
import { TorchAudioFeatureExtractor, hannWindow, hzToMel, melFilterbank, melFilterbankDense, melToHz } from '../src/index';
import { uniformNoise as noise } from './helpers/uniform-noise';

/* The front-end fields beyond torchaudio's MelSpectrogram (pre-emphasis, symmetric window, Kaldi banks, natural log, affine normalisation). */

const kaldi = { nFreqs: 513, nMels: 128, sampleRate: 32000, fMin: 0, fMax: 15000, melScale: 'kaldi' as const };

describe('symmetric Hann window', () => {
  it('is 0.5 − 0.5·cos(2πn / (N − 1)), zero at both ends, centred in nFft', () => {
    const w = hannWindow(800, 1024, false);
    expect(w[112]).toBe(0);
    expect(w[112 + 799]).toBe(0);
    for (let n = 0; n < 800; n++) {
      expect(Math.abs(w[112 + n]! - (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 799)))).toBeLessThan(1e-6);
      // Symmetric up to torch's float32 rounding of n·step near the far end.
      expect(Math.abs(w[112 + n]! - w[112 + 799 - n]!)).toBeLessThan(1e-6);
    }
    expect(w.slice(0, 112).every((x) => x === 0) && w.slice(912).every((x) => x === 0)).toBe(true);
  });

  it('differs from the periodic window, and has length-1 value 1 as torch', () => {
    expect(hannWindow(800, 800, false)[400]).not.toBe(hannWindow(800, 800, true)[400]);
    expect(Array.from(hannWindow(1, 1, false))).toEqual([1]);
  });
});

describe('Kaldi mel banks', () => {
  it('uses 1127·ln(1 + f/700) and round-trips', () => {
    expect(hzToMel(700, 'kaldi')).toBeCloseTo(1127 * Math.LN2, 10);
    expect(melToHz(hzToMel(4321, 'kaldi'), 'kaldi')).toBeCloseTo(4321, 8);
  });

  it('has a zero Nyquist row, weights in [0, 1] and every band peaking within one bin of its centre', () => {
    const dense = melFilterbankDense(kaldi);
    const fb = melFilterbank(kaldi);
    const binHz = 32000 / 1024;
    expect(dense.slice(512 * 128).every((x) => x === 0)).toBe(true);
    for (let m = 0; m < 128; m++) {
      let peak = -1;
      let best = 0;
      for (let k = 0; k < 513; k++) {
        const w = dense[k * 128 + m]!;
        if (!(w >= 0 && w <= 1)) throw new Error(`weight ${w} of band ${m} at bin ${k} is outside [0, 1]`);
        if (w > best) [best, peak] = [w, k];
      }
      expect(peak).toBeGreaterThanOrEqual(0);
      expect(Math.abs(peak * binHz - fb.pointsHz[m + 1]!)).toBeLessThanOrEqual(binHz);
    }
    // Band edges: fMin and fMax.
    expect(fb.pointsHz[0]).toBe(0);
    expect(fb.pointsHz[129]).toBeCloseTo(15000, 0);
  });
});

describe('pre-emphasis', () => {
  const config = { sampleRate: 32000, nFft: 1024, hopLength: 320, preEmphasis: 0.97 };

  it('equals filtering by hand and running without it (one sample shorter, so one frame fewer here)', () => {
    const x = noise(32000 + 320, 7);
    const manual = new Float32Array(x.length - 1);
    for (let i = 0; i < manual.length; i++) manual[i] = x[i + 1]! - Math.fround(Math.fround(0.97) * x[i]!);
    const withEmphasis = new TorchAudioFeatureExtractor(config).melPowerSpectrogram(x);
    const byHand = new TorchAudioFeatureExtractor({ ...config, preEmphasis: null }).melPowerSpectrogram(manual);
    expect(withEmphasis.frames).toBe(1 + Math.floor((x.length - 1) / 320));
    expect(withEmphasis.frames).toBe(101);
    expect(withEmphasis.data).toEqual(byHand.data);
  });

  it('counts the lost sample in the minimum length', () => {
    const extractor = new TorchAudioFeatureExtractor(config);
    expect(extractor.melPowerSpectrogram(noise(514, 7)).frames).toBe(2);
    let error: unknown;
    try {
      extractor.melPowerSpectrogram(noise(513, 7));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoiseClassifierError);
    expect((error as NoiseClassifierError).code).toBe('E_BAD_AUDIO');
    expect((error as NoiseClassifierError).expected).toBe('at least 514 samples');
    expect((error as NoiseClassifierError).message).toContain('pre-emphasis');
  });
});

describe('log scale and normalisation', () => {
  const x = noise(16000, 7);

  it("'log': (ln(float32(mel + offset)) − mean) / std", () => {
    const extractor = new TorchAudioFeatureExtractor(EFFICIENTAT_MN04_FEATURE_CONFIG);
    const power = extractor.melPowerSpectrogram(x).data;
    const logMel = extractor.extractMelSpectrogram(x).data;
    let worst = 0;
    for (let i = 0; i < power.length; i++) {
      const expected = (Math.log(Math.fround(power[i]! + Math.fround(1e-5))) + 4.5) / 5;
      worst = Math.max(worst, Math.abs(logMel[i]! - expected));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("'db' with normalisation is the dB log-mel shifted and scaled, and the defaults leave it unchanged", () => {
    const plain = new TorchAudioFeatureExtractor({}).extractMelSpectrogram(x).data;
    const normalised = new TorchAudioFeatureExtractor({ normalizeMean: -40, normalizeStd: 20 }).extractMelSpectrogram(x).data;
    let worst = 0;
    for (let i = 0; i < plain.length; i++) worst = Math.max(worst, Math.abs(normalised[i]! - (plain[i]! + 40) / 20));
    expect(worst).toBeLessThan(1e-6);
    expect(new TorchAudioFeatureExtractor({ normalizeMean: 0, normalizeStd: 1 }).extractMelSpectrogram(x).data).toEqual(plain);
  });
});
