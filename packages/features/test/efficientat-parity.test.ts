import { readFileSync } from 'node:fs';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPretrainedPath } from '../../../tooling/shared-data';
import { TorchAudioFeatureExtractor } from '../src/index';
import { maxAbsoluteError } from './dsp-helpers';

/*
 * Parity with EfficientAT's own front end (models/preprocess.py, eval mode) for the pretrained mn04_as weights:
 * from the reference 32 kHz waves in ../shared/pretrained/efficientat-mn04-as/reference, our extractor with
 * EFFICIENTAT_MN04_FEATURE_CONFIG must give the reference model input ([128, T] float32) within 1e-4 absolute.
 */
interface ReferenceCase {
  readonly name: string;
  readonly samples_32k: number;
  readonly mel_shape: [number, number];
}

const REFERENCE = 'efficientat-mn04-as/reference';
const index = JSON.parse(readFileSync(sharedPretrainedPath(`${REFERENCE}/index.json`), 'utf8')) as { cases: ReferenceCase[] };

function readReference(file: string): Float32Array {
  const bytes = readFileSync(sharedPretrainedPath(`${REFERENCE}/${file}`));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe.each(['fftjs', 'pffft'] as const)('EfficientAT mn04 front end with the %s FFT', (fft) => {
  let extractor: TorchAudioFeatureExtractor;
  beforeAll(async () => {
    extractor = await TorchAudioFeatureExtractor.create(EFFICIENTAT_MN04_FEATURE_CONFIG, { fft });
  });
  afterAll(() => extractor.dispose());

  it('has reference cases to compare with', () => {
    expect(index.cases.length).toBeGreaterThanOrEqual(3);
  });

  it.each(index.cases.map((c) => [c.name, c] as const))('%s matches the reference mel within 1e-4', (_name, c) => {
    const wave = readReference(`${c.name}.wave32k.f32`);
    expect(wave.length).toBe(c.samples_32k);
    expect(extractor.frameCount(wave.length)).toBe(c.mel_shape[1]);
    const mel = extractor.extractMelSpectrogram(wave);
    expect([mel.bins, mel.frames]).toEqual(c.mel_shape);
    expect(maxAbsoluteError(mel.data, readReference(`${c.name}.mel.f32`))).toBeLessThanOrEqual(1e-4);
  });
});
