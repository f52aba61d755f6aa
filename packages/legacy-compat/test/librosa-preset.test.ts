import { DEFAULT_AUDIO_FEATURE_CONFIG, isNoiseClassifierError } from '@noise-classifier/config';
import { describe, expect, it } from 'vitest';
import { LIBROSA_FEATURE_PRESET, createLibrosaFeatureConfig } from '../src/librosa-preset';

describe('librosa preset', () => {
  it("uses librosa's conventions at the seed's sizes", () => {
    expect(LIBROSA_FEATURE_PRESET).toMatchObject({
      melScale: 'slaney',
      melNorm: 'slaney',
      power: 2,
      center: true,
      padMode: 'constant',
      topDb: 80,
      amin: 1e-10,
      fMin: 0,
      fMax: 24_000,
      sampleRate: DEFAULT_AUDIO_FEATURE_CONFIG.sampleRate,
      nFft: DEFAULT_AUDIO_FEATURE_CONFIG.nFft,
      hopLength: DEFAULT_AUDIO_FEATURE_CONFIG.hopLength,
      nMels: DEFAULT_AUDIO_FEATURE_CONFIG.nMels,
    });
    // Differs from the torchaudio default exactly in the librosa conventions.
    expect(DEFAULT_AUDIO_FEATURE_CONFIG.melScale).toBe('htk');
    expect(DEFAULT_AUDIO_FEATURE_CONFIG.padMode).toBe('reflect');
    expect(Object.isFrozen(LIBROSA_FEATURE_PRESET)).toBe(true);
  });

  it('takes overrides in either spelling, and fMax follows a new sample rate', () => {
    const c = createLibrosaFeatureConfig({ sample_rate: 22_050, pad_mode: 'reflect' });
    expect(c.sampleRate).toBe(22_050);
    expect(c.fMax).toBe(11_025);
    expect(c.padMode).toBe('reflect');
    expect(c.melScale).toBe('slaney');
    expect(createLibrosaFeatureConfig({ melScale: 'htk' }).melScale).toBe('htk');
  });

  it('rejects bad overrides with the config error naming the field', () => {
    let caught: unknown;
    try {
      createLibrosaFeatureConfig({ n_fft: -1 });
    } catch (error) {
      caught = error;
    }
    expect(isNoiseClassifierError(caught, 'E_CONFIG')).toBe(true);
    expect((caught as Error).message).toContain('nFft');
    expect(() => createLibrosaFeatureConfig({ hopLenght: 256 } as never)).toThrow(/Unknown field "hopLenght"/);
  });
});
