import { NoiseClassifierError, isNoiseClassifierError } from '@noise-classifier/config';
import { describe, expect, it } from 'vitest';
import { inOldTerms, withOldTerms } from '../src/old-terms';

describe('errors in the old API terms', () => {
  const names = { audioData: 'audio_data', sampleRate: 'sample_rate' };

  it('renames whole field names only and keeps code, expected and received', () => {
    const original = new NoiseClassifierError('E_SAMPLE_RATE', 'sampleRate out of range (not sampleRates)', {
      field: 'sampleRate',
      expected: 'a sampleRate in [1000, 384000]',
      received: '-1',
    });
    const translated = inOldTerms(original, names) as NoiseClassifierError;
    expect(isNoiseClassifierError(translated, 'E_SAMPLE_RATE')).toBe(true);
    expect(translated.field).toBe('sample_rate');
    expect(translated.expected).toBe('a sample_rate in [1000, 384000]');
    expect(translated.received).toBe('-1');
    expect(translated.message).toBe('sample_rate out of range (not sampleRates); expected a sample_rate in [1000, 384000]; received -1');
    expect(translated.cause).toBe(original);
  });

  it('adds nothing twice when the field was only in the appended "(field: …)" part', async () => {
    const original = new NoiseClassifierError('E_BAD_AUDIO', 'Audio is empty', { field: 'audioData', received: '0 samples' });
    const error = await withOldTerms(names, async () => {
      throw original;
    }).catch((e: unknown) => e as NoiseClassifierError);
    expect(error.message).toBe('Audio is empty (field: audio_data); received 0 samples');
    expect(error.message.match(/audio_data/g)).toHaveLength(1);
  });

  it('passes other errors and untouched messages through as they are', () => {
    const plain = new TypeError('x');
    expect(inOldTerms(plain, names)).toBe(plain);
    const unrelated = new NoiseClassifierError('E_DECODE', 'Unrecognised audio file', { field: 'bytes' });
    expect(inOldTerms(unrelated, names)).toBe(unrelated);
  });
});

describe('plain-word field names', () => {
  it('renames `audio` where it is a field, not where it is English', () => {
    const names = { audio: 'audio_data' };
    const nan = new NoiseClassifierError('E_BAD_AUDIO', 'Audio sample 3 is not a finite number', { field: 'audio[3]', received: 'NaN' });
    const t = inOldTerms(nan, names) as NoiseClassifierError;
    expect(t.field).toBe('audio_data[3]');
    expect(t.message).toBe('Audio sample 3 is not a finite number (field: audio_data[3]); received NaN');
    const file = new NoiseClassifierError('E_DECODE', 'Unrecognised audio file', { field: 'audio', expected: 'an audio file' });
    const u = inOldTerms(file, names) as NoiseClassifierError;
    expect(u.field).toBe('audio_data');
    // The original named no field (its text already said "audio"); the old-terms copy adds the old name once.
    expect(u.message).toBe('Unrecognised audio file; expected an audio file (field: audio_data)');
  });
});
