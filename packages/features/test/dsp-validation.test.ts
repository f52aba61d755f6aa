import { describe, expect, it } from 'vitest';
import { NoiseClassifierError } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor, computeDeltas, fftJsFactory, loadPffft } from '../src/index';

function expectError(fn: () => unknown, code: string, pattern: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NoiseClassifierError);
    expect((error as NoiseClassifierError).code).toBe(code);
    expect((error as Error).message).toMatch(pattern);
    return error as NoiseClassifierError;
  }
  throw new Error('expected a NoiseClassifierError');
}

describe('front-end input validation', () => {
  const extractor = new TorchAudioFeatureExtractor();

  it('rejects empty audio', () => {
    expectError(() => extractor.extractMelSpectrogram(new Float32Array(0)), 'E_BAD_AUDIO', /empty/);
    expectError(() => extractor.extractMfcc([]), 'E_BAD_AUDIO', /empty/);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('names the index of a %s sample (Float32Array, Float64Array and number[])', (_label, bad) => {
    const audio = new Float32Array(5000);
    audio[1234] = bad;
    const error = expectError(() => extractor.extractMelSpectrogram(audio), 'E_BAD_AUDIO', /sample 1234/);
    expect(error.field).toBe('audio[1234]');
    expectError(() => extractor.melPowerSpectrogram(Float64Array.from(audio)), 'E_BAD_AUDIO', /sample 1234/);
    expectError(() => extractor.extractMfcc(Array.from(audio)), 'E_BAD_AUDIO', /sample 1234/);
  });

  it('rejects values that overflow float32 and non-numeric arrays', () => {
    const big = new Float64Array(3000);
    big[7] = 1e300;
    expectError(() => extractor.extractMelSpectrogram(big), 'E_BAD_AUDIO', /sample 7 overflows/);
    const mixed = new Array(3000).fill(0) as unknown[];
    mixed[10] = '0.5';
    expectError(() => extractor.extractMelSpectrogram(mixed as number[]), 'E_BAD_AUDIO', /sample 10.*"0.5"/);
    expectError(() => extractor.extractMelSpectrogram(new Uint8Array(3000) as unknown as Float32Array), 'E_BAD_AUDIO', /decode/);
    expectError(() => extractor.extractMelSpectrogram('abc' as unknown as Float32Array), 'E_BAD_AUDIO', /received "abc"/);
    expectError(() => extractor.extractMelSpectrogram(null as unknown as Float32Array), 'E_BAD_AUDIO', /received null/);
  });

  it('reflect padding on audio of ≤ nFft / 2 samples is a clear error (torch.stft raises too); 1025 samples work', () => {
    expectError(() => extractor.extractMelSpectrogram(new Float32Array(1024)), 'E_BAD_AUDIO', /at least 1025 samples.*received 1024/);
    expect(extractor.extractMelSpectrogram(new Float32Array(1025)).frames).toBe(3);
    expectError(
      () => new TorchAudioFeatureExtractor({ center: false }).extractMelSpectrogram(new Float32Array(2000)),
      'E_BAD_AUDIO',
      /at least 2048/,
    );
  });

  it('rejects an nFft fft.js cannot do, naming the rule; auto falls back or explains both rules', async () => {
    expectError(() => new TorchAudioFeatureExtractor({ nFft: 1000, winLength: 1000 }), 'E_FFT_SIZE', /power of two.*received 1000/);
    expectError(() => fftJsFactory.create(1000), 'E_FFT_SIZE', /power of two/);
    await expect(TorchAudioFeatureExtractor.create({ nFft: 1000 }, { fft: 'auto' })).rejects.toMatchObject({
      code: 'E_FFT_SIZE',
      message: expect.stringMatching(/fft\.js: a power of two.*pffft: a multiple of 32/),
    });
    await expect(TorchAudioFeatureExtractor.create({ nFft: 1000 }, { fft: 'pffft' })).rejects.toMatchObject({ code: 'E_FFT_SIZE' });
    const pffft = await loadPffft();
    expect(pffft.supportsSize(2048)).toBe(true);
    expect(pffft.supportsSize(2400)).toBe(true);
    expect(pffft.supportsSize(16)).toBe(false);
    expect(pffft.supportsSize(32 * 7)).toBe(false);
  });

  it('rejects an unknown backend name and bad configs through the config factory', async () => {
    await expect(TorchAudioFeatureExtractor.create({}, { fft: 'fftw' as 'auto' })).rejects.toMatchObject({ code: 'E_CONFIG' });
    expectError(() => new TorchAudioFeatureExtractor({ hopLength: 0 }), 'E_CONFIG', /hopLength/);
  });

  it('rejects delta windows below 3 and mis-shaped spectrograms', () => {
    expectError(() => computeDeltas({ data: new Float32Array(4), bins: 2, frames: 2 }, 1), 'E_CONFIG', /winLength/);
    expectError(() => computeDeltas({ data: new Float32Array(3), bins: 2, frames: 2 }), 'E_BAD_AUDIO', /bins × frames = 4/);
  });

  it('refuses use after dispose', async () => {
    const disposable = await TorchAudioFeatureExtractor.create({}, { fft: 'pffft' });
    disposable.dispose();
    disposable.dispose();
    expectError(() => disposable.extractMelSpectrogram(new Float32Array(4800)), 'E_DISPOSED', /disposed/);
  });

  it('PFFFT can be loaded through a caller-supplied import (the browser-bundle path)', async () => {
    const seen: boolean[] = [];
    const factory = await loadPffft({
      importModule: (simd) => {
        seen.push(simd);
        return simd ? import('@echogarden/pffft-wasm/simd') : import('@echogarden/pffft-wasm');
      },
    });
    expect(seen).toEqual([true]);
    expect(factory.name).toBe('pffft-simd');
    await expect(loadPffft({ importModule: async () => ({ default: 42 }) })).rejects.toMatchObject({
      code: 'E_RUNTIME_MISSING',
      message: expect.stringMatching(/no default export factory/),
    });
    // 'auto' falls back to fft.js when PFFFT cannot be imported (what a browser bundle without the opt-in gets).
    const extractor = await TorchAudioFeatureExtractor.create({}, { pffft: { importModule: () => Promise.reject(new Error('no bare specifiers here')) } });
    expect(extractor.fftBackend).toBe('fftjs');
  });

  it('a PFFFT load failure is an E_RUNTIME_MISSING error listing why each build failed', async () => {
    await expect(loadPffft({ wasmBinary: new Uint8Array([0, 1, 2, 3]) })).rejects.toMatchObject({
      code: 'E_RUNTIME_MISSING',
      message: expect.stringMatching(/SIMD build.*scalar build/),
    });
  });
});
