import { DEFAULT_AUDIO_FEATURE_CONFIG, isNoiseClassifierError, type NoiseClassifierError } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioFeatureExtractor, LibrosaFeatureExtractor } from '../src/audio-feature-extractor';
import { resetDeprecationWarnings } from '../src/deprecation';
import { createLibrosaFeatureConfig } from '../src/librosa-preset';
import { captureWarnings } from './helpers/warnings';

/** A chirp plus a little deterministic noise: broadband, so every mel band carries energy. */
function testSignal(n: number, sampleRate = 48_000): Float32Array {
  const out = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = 0.5 * Math.sin(2 * Math.PI * (200 + 4000 * t) * t) + 0.05 * (s / 2 ** 32 - 0.5);
  }
  return out;
}

function thrown(fn: () => unknown): NoiseClassifierError {
  try {
    fn();
  } catch (error) {
    if (isNoiseClassifierError(error)) return error;
    throw error;
  }
  throw new Error('expected a NoiseClassifierError');
}

describe('old feature extractor names', () => {
  beforeEach(() => resetDeprecationWarnings());
  afterEach(() => resetDeprecationWarnings());
  const audio = testSignal(24_000);

  it('AudioFeatureExtractor gives exactly what TorchAudioFeatureExtractor gives, under both spellings', async () => {
    let old!: AudioFeatureExtractor;
    const warnings = await captureWarnings(() => {
      old = new AudioFeatureExtractor({ n_mels: 64, hop_length: 256 });
      new AudioFeatureExtractor();
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_002']);
    expect(warnings[0]?.message).toContain('TorchAudioFeatureExtractor');
    const fresh = new TorchAudioFeatureExtractor({ nMels: 64, hopLength: 256 });
    const expected = fresh.extractMelSpectrogram(audio);
    for (const mel of [old.extract_mel_spectrogram(audio), old.extractMelSpectrogram(audio)]) {
      expect(mel.bins).toBe(64);
      expect(mel.frames).toBe(expected.frames);
      expect(mel.data).toEqual(expected.data);
    }
    expect(old.extract_mfcc(audio).data).toEqual(fresh.extractMfcc(audio).data);
    expect(old.config).toEqual(fresh.config);
  });

  it('AudioFeatureExtractor.create may pick the SIMD FFT and agrees within float rounding', async () => {
    const fast = await AudioFeatureExtractor.create({}, { silenceDeprecation: true });
    const reference = new TorchAudioFeatureExtractor(DEFAULT_AUDIO_FEATURE_CONFIG).extractMelSpectrogram(audio);
    const mel = fast.extractMelSpectrogram(audio);
    let worst = 0;
    for (let i = 0; i < mel.data.length; i++) worst = Math.max(worst, Math.abs(mel.data[i]! - reference.data[i]!));
    expect(worst).toBeLessThan(0.01);
    fast.dispose();
  });

  it('LibrosaFeatureExtractor is the librosa preset of the same front end, not another implementation', async () => {
    let librosa!: LibrosaFeatureExtractor;
    const warnings = await captureWarnings(() => {
      librosa = new LibrosaFeatureExtractor();
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_003']);
    expect(librosa.config).toEqual(createLibrosaFeatureConfig());
    const viaPreset = new TorchAudioFeatureExtractor(createLibrosaFeatureConfig()).extractMelSpectrogram(audio);
    expect(librosa.extract_mel_spectrogram(audio).data).toEqual(viaPreset.data);
    // …and the conventions matter: Slaney scale/norm and zero padding change the numbers.
    const torchDefault = new TorchAudioFeatureExtractor().extractMelSpectrogram(audio);
    expect(torchDefault.frames).toBe(viaPreset.frames);
    let differs = 0;
    for (let i = 0; i < viaPreset.data.length; i++) if (Math.abs(viaPreset.data[i]! - torchDefault.data[i]!) > 0.1) differs++;
    expect(differs).toBeGreaterThan(viaPreset.data.length / 2);
    // power_to_db(top_db=80): nothing more than 80 dB below the maximum.
    const max = Math.max(...viaPreset.data);
    expect(Math.min(...viaPreset.data)).toBeGreaterThanOrEqual(max - 80 - 1e-3);
    expect(new LibrosaFeatureExtractor({ sample_rate: 22_050 }, { silenceDeprecation: true }).config.fMax).toBe(11_025);
  });

  it('bad input gets the new API error, with the old names', () => {
    const extractor = new AudioFeatureExtractor({}, { silenceDeprecation: true });
    const empty = thrown(() => extractor.extract_mel_spectrogram(new Float32Array(0)));
    expect(empty.code).toBe('E_BAD_AUDIO');
    const nan = thrown(() => extractor.extract_mfcc([0, 1, Number.NaN]));
    expect(nan.code).toBe('E_BAD_AUDIO');
    expect(nan.field).toBe('audio[2]');
    const config = thrown(() => new AudioFeatureExtractor({ n_fft: 0 }, { silenceDeprecation: true }));
    expect(config.code).toBe('E_CONFIG');
    expect(config.field).toBe('n_fft');
    expect(config.message).not.toMatch(/\bnFft\b/);
    const sameCode = thrown(() => new TorchAudioFeatureExtractor({ nFft: 0 }));
    expect(sameCode.code).toBe(config.code);
    expect(thrown(() => new LibrosaFeatureExtractor({ hop_length: -5 }, { silenceDeprecation: true })).field).toBe('hop_length');
  });
});
