import { isNoiseClassifierError } from '@noise-classifier/config';
import { EmergencyNoiseDetector as NewDetector, generateSyntheticClip } from '@noise-classifier/pipelines';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDeprecationWarnings } from '../src/deprecation';
import { EmergencyNoiseDetector } from '../src/emergency-noise-detector';
import { captureWarnings } from './helpers/warnings';

describe('EmergencyNoiseDetector under its old name', () => {
  beforeEach(() => resetDeprecationWarnings());
  afterEach(() => resetDeprecationWarnings());

  it('warns once with NCV2_006 and is the pipelines detector', async () => {
    let old!: EmergencyNoiseDetector;
    const warnings = await captureWarnings(() => {
      old = new EmergencyNoiseDetector({ sample_rate: 16_000 });
      new EmergencyNoiseDetector(16_000);
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_006']);
    expect(warnings[0]?.message).toContain('@noise-classifier/pipelines');
    expect(old).toBeInstanceOf(NewDetector);
    expect(old.sampleRate).toBe(16_000);
    expect(new EmergencyNoiseDetector(undefined).sampleRate).toBe(48_000);
  });

  it('raises the same events as the new detector on the same audio', async () => {
    const { samples } = generateSyntheticClip('fire_alarm', { sampleRate: 16_000, durationSeconds: 10, seed: 3 });
    const old = new EmergencyNoiseDetector({ sample_rate: 16_000, silenceDeprecation: true });
    const fresh = new NewDetector({ sampleRate: 16_000 });
    const events = async (d: NewDetector) => {
      const out = [];
      for (let i = 0; i < samples.length; i += 4_000) out.push(...(await d.push(samples.subarray(i, i + 4_000))));
      return out;
    };
    const [a, b] = [await events(old), await events(fresh)];
    expect(a).toEqual(b);
    expect(a.some((e) => e.type === 'onset')).toBe(true);
  });

  it('bad options get the new error code in the old names', () => {
    let caught: unknown;
    try {
      new EmergencyNoiseDetector({ sample_rate: 10, silenceDeprecation: true });
    } catch (error) {
      caught = error;
    }
    expect(isNoiseClassifierError(caught, 'E_CONFIG')).toBe(true);
    expect((caught as { field: string }).field).toBe('sample_rate');
  });
});
