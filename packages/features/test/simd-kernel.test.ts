import { EFFICIENTAT_MN04_FEATURE_CONFIG, NoiseClassifierError, type AudioFeatureConfigInput } from '@noise-classifier/config';
import { describe, expect, it } from 'vitest';
import { TorchAudioFeatureExtractor } from '../src/index';
import { sleb, uleb } from '../src/dsp/simd/wasm-assembler';
import { melKernelBytes } from '../src/dsp/simd/mel-kernel-module';
import { maxRelativeError } from './dsp-helpers';

/* The WebAssembly SIMD kernel against the JavaScript loops it replaces, on the same PFFFT transform. */

function noise(n: number, seed = 3): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * (1 + Math.sin(i / 3000));
  }
  return out;
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function pair(config: AudioFeatureConfigInput) {
  const simd = await TorchAudioFeatureExtractor.create(config, { fft: 'pffft' });
  const plain = await TorchAudioFeatureExtractor.create(config, { fft: 'pffft', simdKernel: false });
  return { simd, plain };
}

describe('wasm assembler', () => {
  it('encodes LEB128 like the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('emits a valid module', () => {
    expect(WebAssembly.validate(melKernelBytes())).toBe(true);
  });
});

describe.each([
  ['torchaudio defaults (HTK, dB)', {}],
  ['Slaney, nFft 1024, top_db off', { melScale: 'slaney', melNorm: 'slaney', nFft: 1024, hopLength: 256, topDb: null }],
  ['dB with normalisation', { normalizeMean: -30, normalizeStd: 20 }],
  ['odd window span, no centre padding', { winLength: 1001, center: false }],
  ['constant padding, hop 160, 40 mels, fMin 50', { nFft: 512, hopLength: 160, nMels: 40, fMin: 50, padMode: 'constant', sampleRate: 16000 }],
  ['EfficientAT mn04 preset', EFFICIENTAT_MN04_FEATURE_CONFIG],
] as const)('SIMD kernel = JavaScript path: %s', (_name, config) => {
  it('mel power within float32 accumulation noise, log-mel within 1e-4', async () => {
    const { simd, plain } = await pair(config as AudioFeatureConfigInput);
    expect(simd.simdKernel).toBe(true);
    expect(plain.simdKernel).toBe(false);
    const x = noise(48_000 + 123);
    const a = simd.melPowerSpectrogram(x);
    const b = plain.melPowerSpectrogram(x);
    expect([a.bins, a.frames]).toEqual([b.bins, b.frames]);
    expect(maxRelativeError(a.data, b.data, 1e-9)).toBeLessThan(1e-5);
    const la = simd.extractMelSpectrogram(x);
    const lb = plain.extractMelSpectrogram(x);
    expect(maxAbs(la.data, lb.data)).toBeLessThan(1e-4);
    // A second, shorter call reuses the kernel's memory without leaking the first call's frames.
    const short = x.subarray(0, 9000);
    expect(maxAbs(simd.extractMelSpectrogram(short).data, plain.extractMelSpectrogram(short).data)).toBeLessThan(1e-4);
    simd.dispose();
    plain.dispose();
  });
});

describe('SIMD kernel edge cases', () => {
  it.each([
    ['NaN in the middle', 1234, Number.NaN],
    ['Infinity as the last sample (past the whole v128s)', 8190, Number.POSITIVE_INFINITY],
  ])('rejects %s, naming the sample, in both the kernel and the JavaScript path', async (_name, index, value) => {
    const { simd, plain } = await pair(EFFICIENTAT_MN04_FEATURE_CONFIG);
    const x = noise(8191);
    x[index] = value;
    for (const extractor of [simd, plain]) {
      for (const run of [() => extractor.extractMelSpectrogram(x), () => extractor.melPowerSpectrogram(x)]) {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NoiseClassifierError);
        expect((error as NoiseClassifierError).code).toBe('E_BAD_AUDIO');
        expect((error as NoiseClassifierError).field).toBe(`audio[${index}]`);
      }
    }
  });

  it('falls back to the JavaScript log when the mel power overflows float32', async () => {
    const { simd, plain } = await pair({});
    const loud = noise(8192).map((v) => v * 1e30);
    expect(Array.from(simd.extractMelSpectrogram(loud).data)).toEqual(Array.from(plain.extractMelSpectrogram(loud).data));
  });

  it('gives silence the floor: amin in dB, ln(offset) for the preset', async () => {
    const db = await pair({});
    const silentDb = db.simd.extractMelSpectrogram(new Float32Array(4096)).data;
    expect(silentDb.every((v) => Math.abs(v - -100) < 1e-4)).toBe(true);
    const mn = await pair(EFFICIENTAT_MN04_FEATURE_CONFIG);
    const silentLog = mn.simd.extractMelSpectrogram(new Float32Array(4096)).data;
    const expected = (Math.log(Math.fround(1e-5)) + 4.5) / 5;
    expect(silentLog.every((v) => Math.abs(v - expected) < 1e-5)).toBe(true);
  });
});
