import { describe, expect, it } from 'vitest';
import {
  TorchAudioFeatureExtractor,
  computeDeltas,
  createDct,
  fftJsFactory,
  hannWindow,
  hzToMel,
  loadPffft,
  melFilterbank,
  melFilterbankDense,
  melToHz,
  stftFrameCount,
  type FftBackendFactory,
} from '../src/index';
import { accumulateMel, toBinPairs } from '../src/dsp/mel-filterbank';
import { uniformNoise as noise } from './helpers/uniform-noise';


function tone(n: number, hz: number, sampleRate: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / sampleRate));
}

const factories: [string, () => Promise<FftBackendFactory>][] = [
  ['fftjs', async () => fftJsFactory],
  ['pffft', () => loadPffft()],
];

describe.each(factories)('%s FFT backend', (_name, load) => {
  it.each([32, 64, 256, 2048, 4096])('matches a direct DFT and satisfies Parseval (N = %i)', async (n) => {
    const backend = (await load()).create(n);
    const x = noise(n, n);
    backend.input().set(x);
    const spectrum = new Float64Array(n + 2);
    backend.realForward(spectrum);
    // Direct DFT at a few bins, in float64.
    for (const k of [0, 1, n / 4 + 1, n / 2 - 1, n / 2]) {
      let re = 0;
      let im = 0;
      for (let t = 0; t < n; t++) {
        re += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
        im -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
      }
      expect(spectrum[2 * k]).toBeCloseTo(re, 3);
      expect(spectrum[2 * k + 1]).toBeCloseTo(im, 3);
    }
    // Parseval: Σ|x|² = (|X0|² + 2 Σ_{0<k<N/2} |Xk|² + |X_{N/2}|²) / N.
    const power = new Float64Array(n / 2 + 1);
    backend.powerSpectrum(power);
    let time = 0;
    for (const v of x) time += v * v;
    let freq = power[0]! + power[n / 2]!;
    for (let k = 1; k < n / 2; k++) freq += 2 * power[k]!;
    expect(freq / n / time).toBeCloseTo(1, 5);
    for (let k = 0; k <= n / 2; k++) {
      expect(power[k]).toBeCloseTo(spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2, 2);
    }
    backend.dispose();
  });
});

describe('fft.js tiny sizes', () => {
  it.each([2, 4])('N = %i matches the DFT', (n) => {
    const backend = fftJsFactory.create(n);
    const x = noise(n, 7);
    backend.input().set(x);
    const power = new Float64Array(n / 2 + 1);
    backend.powerSpectrum(power);
    const dc = x.reduce((a, b) => a + b, 0);
    expect(power[0]).toBeCloseTo(dc * dc, 10);
  });
});

describe('mel filterbank', () => {
  const sampleRate = 48_000;
  const nFft = 2048;
  const binHz = sampleRate / nFft;
  it.each([
    ['htk', null],
    ['slaney', null],
    ['slaney', 'slaney'],
    ['htk', 'slaney'],
  ] as const)('each %s filter (norm %s) peaks within one FFT bin of its centre frequency', (melScale, norm) => {
    const fb = melFilterbank({ nFreqs: nFft / 2 + 1, fMin: 0, fMax: 24_000, nMels: 128, sampleRate, melScale, norm });
    let checked = 0;
    for (let m = 0; m < 128; m++) {
      if (fb.length[m] === 0) continue;
      let best = 0;
      for (let j = 1; j < fb.length[m]!; j++) if (fb.weights[fb.offset[m]! + j]! > fb.weights[fb.offset[m]! + best]!) best = j;
      const peakHz = (fb.start[m]! + best) * binHz;
      expect(Math.abs(peakHz - fb.pointsHz[m + 1]!)).toBeLessThanOrEqual(binHz);
      checked++;
    }
    expect(checked).toBe(128);
  });

  it('sparse storage equals the dense matrix and holds about two weights per FFT bin', () => {
    const options = { nFreqs: 1025, fMin: 0, fMax: 24_000, nMels: 128, sampleRate };
    const dense = melFilterbankDense(options);
    const sparse = melFilterbank(options);
    let nonZero = 0;
    let mismatches = 0;
    for (let k = 0; k < 1025; k++) {
      for (let m = 0; m < 128; m++) {
        const inRun = k >= sparse.start[m]! && k < sparse.start[m]! + sparse.length[m]!;
        const w = inRun ? sparse.weights[sparse.offset[m]! + k - sparse.start[m]!] : 0;
        if (w !== dense[k * 128 + m]) mismatches++;
        if (w !== 0) nonZero++;
      }
    }
    expect(mismatches).toBe(0);
    expect(sparse.weights.length / 1025).toBeLessThanOrEqual(2.05);
    expect(nonZero).toBeGreaterThan(1900);
  });

  it('HTK triangles rise to 1 at their centre when a bin sits on it; Slaney norm gives unit area per Hz·2', () => {
    const fb = melFilterbank({ nFreqs: 1025, fMin: 0, fMax: 24_000, nMels: 40, sampleRate, norm: 'slaney', melScale: 'slaney' });
    for (let m = 0; m < 40; m++) {
      // Area of a triangle of height 2 / (f[m+2] - f[m]) over base f[m+2] - f[m] is 1; sampled every binHz.
      let area = 0;
      for (let j = 0; j < fb.length[m]!; j++) area += fb.weights[fb.offset[m]! + j]! * binHz;
      expect(area).toBeCloseTo(1, 1);
    }
  });

  it.each([
    ['htk', null, 128],
    ['slaney', 'slaney', 128],
    ['htk', null, 40],
  ] as const)('the fused per-bin form (%s, norm %s, %i mels) gives the sparse product', (melScale, norm, nMels) => {
    const fb = melFilterbank({ nFreqs: 1025, fMin: 0, fMax: 24_000, nMels, sampleRate, melScale, norm });
    const pairs = toBinPairs(fb);
    expect(pairs).not.toBeNull();
    const power = Float64Array.from(noise(1025, 9), (v) => (v + 0.5) ** 4);
    const acc = new Float64Array(nMels + 1).fill(123);
    accumulateMel(pairs!, power, acc);
    for (let m = 0; m < nMels; m++) {
      let sum = 0;
      for (let j = 0; j < fb.length[m]!; j++) sum += fb.weights[fb.offset[m]! + j]! * power[fb.start[m]! + j]!;
      expect(acc[m]).toBeCloseTo(sum, 12);
    }
  });

  it.each(['htk', 'slaney'] as const)('%s hz → mel → hz round-trips', (scale) => {
    for (const hz of [0, 20, 440, 999, 1000, 1001, 8000, 24_000]) expect(melToHz(hzToMel(hz, scale), scale)).toBeCloseTo(hz, 6);
  });
});

describe('STFT layout', () => {
  it('frame count is 1 + floor(n / hop) with center', () => {
    const extractor = new TorchAudioFeatureExtractor({ nFft: 512, hopLength: 160 });
    for (const n of [257, 1000, 16_000, 16_001, 48_000]) {
      expect(extractor.frameCount(n)).toBe(1 + Math.floor(n / 160));
      expect(extractor.melPowerSpectrogram(noise(n, 1)).frames).toBe(1 + Math.floor(n / 160));
    }
  });

  it('without center frames are 1 + floor((n - nFft) / hop)', () => {
    const layout = { nFft: 2048, hopLength: 512, center: false, padMode: 'reflect' as const };
    expect(stftFrameCount(2048, layout)).toBe(1);
    expect(stftFrameCount(48_000, layout)).toBe(1 + Math.floor((48_000 - 2048) / 512));
    const extractor = new TorchAudioFeatureExtractor({ center: false });
    expect(extractor.melPowerSpectrogram(noise(48_000, 1)).frames).toBe(1 + Math.floor((48_000 - 2048) / 512));
  });

  it('periodic Hann: w[0] = 0, w[N/2] = 1, w[n] ≈ w[N - n] (torch float32 rounding, not exact symmetry); a short window is centred', () => {
    const w = hannWindow(2048);
    expect(w[0]).toBe(0);
    expect(w[1024]).toBe(1);
    let worst = 0;
    for (let n = 1; n < 1024; n++) worst = Math.max(worst, Math.abs(w[n]! - w[2048 - n]!));
    expect(worst).toBeLessThan(3e-7);
    for (let n = 0; n < 2048; n++) expect(Math.abs(w[n]! - (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 2048)))).toBeLessThan(3e-7);
    const short = hannWindow(400, 512);
    expect(short.slice(0, 56).every((v) => v === 0)).toBe(true);
    expect(short.slice(456).every((v) => v === 0)).toBe(true);
    expect(short[56 + 200]).toBe(1);
  });

  it('a sine puts its mel energy in the band around its frequency', () => {
    const extractor = new TorchAudioFeatureExtractor();
    const mel = extractor.melPowerSpectrogram(tone(48_000, 3000, 48_000));
    const frame = 40;
    let best = 0;
    for (let m = 1; m < 128; m++) if (mel.data[m * mel.frames + frame]! > mel.data[best * mel.frames + frame]!) best = m;
    const fb = extractor.filterbank;
    expect(fb.pointsHz[best]).toBeLessThan(3000);
    expect(fb.pointsHz[best + 2]).toBeGreaterThan(3000);
  });

  it.each(['constant', 'replicate', 'reflect'] as const)('padMode %s changes only the edge frames', (padMode) => {
    const audio = noise(20_000, 3);
    const reflect = new TorchAudioFeatureExtractor().melPowerSpectrogram(audio);
    const other = new TorchAudioFeatureExtractor({ padMode }).melPowerSpectrogram(audio);
    const { frames } = reflect;
    const interior = (t: number) => t >= 2 && t < frames - 3;
    let edgeDiffers = false;
    for (let m = 0; m < 128; m++) {
      for (let t = 0; t < frames; t++) {
        const a = reflect.data[m * frames + t];
        const b = other.data[m * frames + t];
        if (interior(t)) expect(b).toBe(a);
        else if (a !== b) edgeDiffers = true;
      }
    }
    expect(edgeDiffers).toBe(padMode !== 'reflect');
  });

  it('constant padding accepts audio shorter than nFft / 2; a winLength shorter than nFft works', () => {
    const extractor = new TorchAudioFeatureExtractor({ padMode: 'constant', winLength: 1200 });
    const mel = extractor.extractMelSpectrogram(noise(100, 1));
    expect(mel.frames).toBe(1);
    expect(mel.data.every(Number.isFinite)).toBe(true);
  });

  it('power 1 gives the mel of |X| (checked against a hand-built frame)', () => {
    const audio = noise(8000, 5);
    const extractor = new TorchAudioFeatureExtractor({ nMels: 24, nMfcc: 13, power: 1, center: false });
    const mel = extractor.melPowerSpectrogram(audio);
    const backend = fftJsFactory.create(2048);
    const window = hannWindow(2048);
    const frame = 3;
    for (let j = 0; j < 2048; j++) backend.input()[j] = window[j]! * audio[frame * 512 + j]!;
    const power = new Float64Array(1025);
    backend.powerSpectrum(power);
    const fb = extractor.filterbank;
    for (let m = 0; m < 24; m++) {
      let sum = 0;
      for (let j = 0; j < fb.length[m]!; j++) sum += fb.weights[fb.offset[m]! + j]! * Math.sqrt(power[fb.start[m]! + j]!);
      expect(mel.data[m * mel.frames + frame]).toBeCloseTo(sum, 4);
    }
  });
});

describe('dB, MFCC, deltas', () => {
  it('top_db clamps each spectrogram at its own maximum − topDb', () => {
    const extractor = new TorchAudioFeatureExtractor({ topDb: 40 });
    const loud = extractor.extractMelSpectrogram(tone(24_000, 1000, 48_000));
    const max = Math.max(...loud.data);
    const min = Math.min(...loud.data);
    expect(min).toBeCloseTo(max - 40, 4);
    const quiet = extractor.extractMelSpectrogram(tone(24_000, 1000, 48_000).map((v) => v * 1e-3));
    expect(Math.max(...quiet.data)).toBeCloseTo(max - 60, 2);
    const silence = extractor.extractMelSpectrogram(new Float32Array(24_000));
    expect(silence.data.every((v) => v === Math.fround(-100))).toBe(true);
  });

  it('topDb null disables clamping', () => {
    const db = new TorchAudioFeatureExtractor({ topDb: null }).extractMelSpectrogram(tone(24_000, 1000, 48_000));
    const max = Math.max(...db.data);
    expect(Math.min(...db.data)).toBeLessThan(max - 80);
  });

  it('the ortho DCT-II matrix is orthonormal', () => {
    const n = 32;
    const dct = createDct(n, n, 'ortho');
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += dct[i * n + k]! * dct[j * n + k]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('MFCC c0 of a constant dB spectrogram is √nMels × level (ortho DCT)', () => {
    const mfcc = new TorchAudioFeatureExtractor().extractMfcc(new Float32Array(4800));
    expect(mfcc.bins).toBe(40);
    expect(mfcc.data[0]).toBeCloseTo(-100 * Math.sqrt(128), 2);
    expect(Math.abs(mfcc.data[mfcc.frames]!)).toBeLessThan(1e-3);
  });

  it('deltas of a linear ramp are its slope in the interior, replicate-padded at the edges', () => {
    const frames = 10;
    const data = Float32Array.from({ length: 2 * frames }, (_, i) => (i < frames ? 3 * i : -2 * (i - frames)));
    const d = computeDeltas({ data, bins: 2, frames });
    for (let t = 2; t < frames - 2; t++) {
      expect(d.data[t]).toBeCloseTo(3, 6);
      expect(d.data[frames + t]).toBeCloseTo(-2, 6);
    }
    // t = 0: (1·(x1 − x0) + 2·(x2 − x0)) / 10 with x0 replicated.
    expect(d.data[0]).toBeCloseTo((1 * 3 + 2 * 6) / 10, 6);
    const extractor = new TorchAudioFeatureExtractor();
    const d3 = extractor.extractDeltas({ data, bins: 2, frames }, 3);
    expect(d3.data[5]).toBeCloseTo(3, 6);
  });

  it('is deterministic and reuses buffers without leaking state between calls', async () => {
    const extractor = await TorchAudioFeatureExtractor.create();
    const a = noise(30_000, 11);
    const b = noise(10_000, 12);
    const first = extractor.extractMelSpectrogram(a);
    extractor.extractMelSpectrogram(b);
    extractor.extractMfcc([...b]);
    const again = extractor.extractMelSpectrogram(a);
    expect(again.data).toEqual(first.data);
    expect(extractor.extractMelSpectrogram(Array.from(a)).data).toEqual(first.data);
    expect(extractor.extractMelSpectrogram(Float64Array.from(a)).data).toEqual(first.data);
    extractor.dispose();
  });

  it('the scalar PFFFT build gives the SIMD build\'s numbers', async () => {
    const simd = await TorchAudioFeatureExtractor.create({}, { fft: 'pffft' });
    const scalar = await TorchAudioFeatureExtractor.create({}, { fft: 'pffft', pffft: { simd: false } });
    expect(scalar.fftBackend).toBe('pffft-scalar');
    const audio = noise(24_000, 21);
    const a = simd.extractMelSpectrogram(audio).data;
    const b = scalar.extractMelSpectrogram(audio).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-3);
    simd.dispose();
    scalar.dispose();
  });

  it('tiny transforms (nFft 4, 8) run end to end and match the generic path', () => {
    for (const nFft of [4, 8]) {
      const config = { nFft, winLength: nFft, hopLength: 2, nMels: 2, nMfcc: 2, sampleRate: 8000 };
      const mel = new TorchAudioFeatureExtractor(config).melPowerSpectrogram(noise(64, nFft));
      expect(mel.frames).toBe(33);
      expect(mel.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      // Frame 5 by hand: direct DFT power through the filterbank.
      const audio = noise(64, nFft);
      const window = hannWindow(nFft);
      const fb = new TorchAudioFeatureExtractor(config).filterbank;
      const t = 5;
      const pad = nFft / 2;
      const frame = Array.from({ length: nFft }, (_, j) => {
        const i = t * 2 + j - pad;
        return window[j]! * audio[i < 0 ? -i : i >= 64 ? 126 - i : i]!;
      });
      for (let m = 0; m < 2; m++) {
        let sum = 0;
        for (let j = 0; j < fb.length[m]!; j++) {
          const k = fb.start[m]! + j;
          let re = 0;
          let im = 0;
          for (let n = 0; n < nFft; n++) {
            re += frame[n]! * Math.cos((2 * Math.PI * k * n) / nFft);
            im -= frame[n]! * Math.sin((2 * Math.PI * k * n) / nFft);
          }
          sum += fb.weights[fb.offset[m]! + j]! * (re * re + im * im);
        }
        expect(mel.data[m * mel.frames + t]).toBeCloseTo(sum, 5);
      }
    }
  });

  it('accepts an already-built AudioFeatureConfig', () => {
    const extractor = new TorchAudioFeatureExtractor(new TorchAudioFeatureExtractor({ nMels: 64, nMfcc: 20 }).config);
    expect(extractor.config.nMels).toBe(64);
    expect(extractor.extractMfcc(noise(4800, 1)).bins).toBe(20);
  });

  it("'auto' picks the WebAssembly backend here", async () => {
    const extractor = await TorchAudioFeatureExtractor.create({}, { fft: 'auto' });
    expect(extractor.fftBackend).toMatch(/^pffft-/);
    extractor.dispose();
  });

  it('PFFFT supports non-power-of-two sizes such as 2400 and agrees with the DFT bin of a tone', async () => {
    const extractor = await TorchAudioFeatureExtractor.create({ nFft: 2400, hopLength: 600 }, { fft: 'pffft' });
    const mel = extractor.extractMelSpectrogram(tone(48_000, 1000, 48_000));
    expect(mel.frames).toBe(81);
    expect(mel.data.every(Number.isFinite)).toBe(true);
    extractor.dispose();
  });
});
