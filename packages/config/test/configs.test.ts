import { describe, expect, it } from 'vitest';
import {
  NoiseClassifierError,
  createAudioFeatureConfig,
  createInferenceConfig,
  createModelConfig,
  createTrainingConfig,
  EFFICIENTAT_MN04_FEATURE_CONFIG,
  toSnakeCaseKeys,
  windowDurationSeconds,
} from '../src/index';

function errorOf(fn: () => unknown): NoiseClassifierError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NoiseClassifierError) return error;
    throw new Error(`expected NoiseClassifierError, got ${String(error)}`);
  }
  throw new Error('expected an error, none was thrown');
}

describe('AudioFeatureConfig', () => {
  it('has the seed defaults and the torchaudio front-end defaults', () => {
    expect(createAudioFeatureConfig()).toEqual({
      sampleRate: 48000,
      nFft: 2048,
      winLength: 2048,
      hopLength: 512,
      nMels: 128,
      nMfcc: 40,
      spectrogramHeight: 128,
      spectrogramWidth: 128,
      enableAugmentation: true,
      fMin: 0,
      fMax: 24000,
      melScale: 'htk',
      melNorm: null,
      power: 2,
      center: true,
      padMode: 'reflect',
      topDb: 80,
      amin: 1e-10,
      preEmphasis: null,
      windowPeriodic: true,
      logScale: 'db',
      logOffset: 1e-5,
      normalizeMean: 0,
      normalizeStd: 1,
    });
  });

  it('derives winLength and fMax from nFft and sampleRate', () => {
    const config = createAudioFeatureConfig({ sampleRate: 16000, nFft: 512 });
    expect(config.winLength).toBe(512);
    expect(config.fMax).toBe(8000);
  });

  it('accepts the seed snake_case keys', () => {
    const config = createAudioFeatureConfig({ sample_rate: 22050, n_fft: 1024, hop_length: 256, n_mels: 64, n_mfcc: 20, enable_augmentation: false, f_max: 8000, mel_scale: 'slaney', mel_norm: 'slaney', top_db: null });
    expect(config).toMatchObject({ sampleRate: 22050, nFft: 1024, hopLength: 256, nMels: 64, nMfcc: 20, enableAugmentation: false, fMax: 8000, melScale: 'slaney', melNorm: 'slaney', topDb: null });
  });

  it('rejects a wrong value naming the field, the expectation and what arrived', () => {
    const error = errorOf(() => createAudioFeatureConfig({ nFft: 0 }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.field).toBe('nFft');
    expect(error.expected).toContain('integer');
    expect(error.received).toBe('0');
    expect(error.message).toContain('nFft');
  });

  it.each([
    [{ sampleRate: 0 }, 'sampleRate'],
    [{ sampleRate: 44100.5 }, 'sampleRate'],
    [{ sampleRate: 500_000 }, 'sampleRate'],
    [{ hopLength: -1 }, 'hopLength'],
    [{ winLength: 4096 }, 'winLength'],
    [{ nMfcc: 200 }, 'nMfcc'],
    [{ melScale: 'bark' }, 'melScale'],
    [{ melNorm: 'l2' }, 'melNorm'],
    [{ fMax: 30000 }, 'fMax'],
    [{ fMin: 9000, fMax: 8000 }, 'fMax'],
    [{ power: Number.NaN }, 'power'],
    [{ topDb: -5 }, 'topDb'],
    [{ center: 'yes' }, 'center'],
    [{ padMode: 'wrap' }, 'padMode'],
    [{ preEmphasis: 1.5 }, 'preEmphasis'],
    [{ preEmphasis: 0 }, 'preEmphasis'],
    [{ windowPeriodic: 'no' }, 'windowPeriodic'],
    [{ logScale: 'ln' }, 'logScale'],
    [{ logOffset: 0 }, 'logOffset'],
    [{ normalizeStd: 0 }, 'normalizeStd'],
    [{ normalizeMean: Number.POSITIVE_INFINITY }, 'normalizeMean'],
    [{ melScale: 'kaldi', melNorm: 'slaney' }, 'melNorm'],
    [{ melScale: 'kaldi', nFft: 1023 }, 'nFft'],
    [{ logScale: 'log', topDb: 80 }, 'topDb'],
  ])('rejects %j', (input, field) => {
    expect(errorOf(() => createAudioFeatureConfig(input as Record<string, unknown>)).field).toBe(field);
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    const error = errorOf(() => createAudioFeatureConfig({ n_ftt: 1024 }));
    expect(error.field).toBe('AudioFeatureConfig.n_ftt');
    expect(error.message).toContain('Unknown field');
  });

  it('rejects the same field given in both spellings with different values', () => {
    expect(errorOf(() => createAudioFeatureConfig({ nFft: 1024, n_fft: 2048 })).code).toBe('E_CONFIG');
  });

  it('is frozen', () => {
    const config = createAudioFeatureConfig();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('computes the duration of one model window', () => {
    expect(windowDurationSeconds(createAudioFeatureConfig())).toBeCloseTo((127 * 512) / 48000, 12);
  });

  it('round-trips through the snake_case JSON form', () => {
    const config = createAudioFeatureConfig({ nMels: 64, nMfcc: 13 });
    const json = JSON.parse(JSON.stringify(toSnakeCaseKeys(config)));
    expect(json.n_mels).toBe(64);
    expect(createAudioFeatureConfig(json)).toEqual(config);
  });
});

describe('EFFICIENTAT_MN04_FEATURE_CONFIG', () => {
  it('is the front end the mn04_as weights expect', () => {
    expect(EFFICIENTAT_MN04_FEATURE_CONFIG).toMatchObject({
      sampleRate: 32000, nFft: 1024, winLength: 800, hopLength: 320, nMels: 128, spectrogramHeight: 128,
      spectrogramWidth: 500, fMin: 0, fMax: 15000, melScale: 'kaldi', melNorm: null, power: 2, center: true,
      padMode: 'reflect', preEmphasis: 0.97, windowPeriodic: false, logScale: 'log', logOffset: 1e-5, topDb: null,
      normalizeMean: -4.5, normalizeStd: 5,
    });
    expect(Object.isFrozen(EFFICIENTAT_MN04_FEATURE_CONFIG)).toBe(true);
  });

  it('survives the snake_case JSON form that model metadata stores', () => {
    const json = JSON.parse(JSON.stringify(toSnakeCaseKeys(EFFICIENTAT_MN04_FEATURE_CONFIG)));
    expect(json).toMatchObject({ pre_emphasis: 0.97, window_periodic: false, log_scale: 'log', log_offset: 1e-5, normalize_mean: -4.5, normalize_std: 5, mel_scale: 'kaldi' });
    expect(createAudioFeatureConfig(json)).toEqual(EFFICIENTAT_MN04_FEATURE_CONFIG);
  });

  it("defaults topDb to null for logScale 'log' and keeps 80 for 'db'", () => {
    expect(createAudioFeatureConfig({ logScale: 'log' }).topDb).toBeNull();
    expect(createAudioFeatureConfig({ logScale: 'db' }).topDb).toBe(80);
  });
});

describe('ModelConfig', () => {
  it('has the seed defaults', () => {
    const config = createModelConfig();
    expect(config).toMatchObject({ numClasses: 59, dropout: 0.3, pretrained: false, architecture: 'efficientnet_b3', inputChannels: 1 });
  });

  it('derives numClasses from custom labels and checks consistency', () => {
    expect(createModelConfig({ labels: ['a', 'b', 'c'] }).numClasses).toBe(3);
    const error = errorOf(() => createModelConfig({ labels: ['a', 'b'], numClasses: 3 }));
    expect(error.field).toBe('numClasses');
    expect(error.received).toBe('3');
  });

  it('rejects duplicate labels', () => {
    expect(errorOf(() => createModelConfig({ labels: ['a', 'a'] })).field).toBe('labels');
  });

  it('explains that pretrained weights must be local', () => {
    const error = errorOf(() => createModelConfig({ pretrained: true }));
    expect(error.field).toBe('pretrainedWeightsPath');
    expect(error.message).toMatch(/never downloaded/);
    expect(createModelConfig({ pretrained: true, pretrainedWeightsPath: 'ckpt/model.json' }).pretrained).toBe(true);
  });

  it.each([
    [{ dropout: 1 }, 'dropout'],
    [{ inputChannels: 2 }, 'inputChannels'],
    [{ architecture: 'EfficientNet-B3' }, 'architecture'],
    [{ num_classes: 0 }, 'numClasses'],
  ])('rejects %j', (input, field) => {
    expect(errorOf(() => createModelConfig(input as Record<string, unknown>)).field).toBe(field);
  });
});

describe('TrainingConfig', () => {
  it('has the seed defaults', () => {
    expect(createTrainingConfig()).toMatchObject({
      numEpochs: 50,
      batchSize: 32,
      learningRate: 1e-4,
      weightDecay: 1e-5,
      earlyStoppingPatience: 15,
      device: 'cpu',
      checkpointDir: 'checkpoints',
      gradientAccumulationSteps: 1,
      classWeighting: 'none',
    });
  });

  it('accepts the seed snake_case spelling', () => {
    expect(createTrainingConfig({ num_epochs: 3, batch_size: 8, learning_rate: 1e-3, device: 'cuda' })).toMatchObject({ numEpochs: 3, batchSize: 8, learningRate: 1e-3, device: 'cuda' });
  });

  it.each([
    [{ numEpochs: 0 }, 'numEpochs'],
    [{ batchSize: 2.5 }, 'batchSize'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ device: 'tpu' }, 'device'],
    [{ classWeighting: [1, -2] }, 'classWeighting[1]'],
    [{ classWeighting: 'inverse' }, 'classWeighting'],
  ])('rejects %j', (input, field) => {
    expect(errorOf(() => createTrainingConfig(input as Record<string, unknown>)).field).toBe(field);
  });
});

describe('InferenceConfig', () => {
  it('has the seed defaults and accepts the migration-guide call', () => {
    expect(createInferenceConfig()).toMatchObject({ device: 'cpu', returnTopK: 5, backend: 'auto', aggregation: 'mean', hopSeconds: null });
    expect(createInferenceConfig({ model_path: 'model.onnx', device: 'cpu', return_top_k: 3 })).toMatchObject({ modelPath: 'model.onnx', returnTopK: 3 });
  });

  it.each([
    [{ returnTopK: 0 }, 'returnTopK'],
    [{ modelPath: '' }, 'modelPath'],
    [{ backend: 'torch' }, 'backend'],
    [{ hopSeconds: 0 }, 'hopSeconds'],
    [{ aggregation: 'median' }, 'aggregation'],
  ])('rejects %j', (input, field) => {
    expect(errorOf(() => createInferenceConfig(input as Record<string, unknown>)).field).toBe(field);
  });

  it('rejects a non-object', () => {
    expect(errorOf(() => createInferenceConfig([] as unknown as Record<string, unknown>)).code).toBe('E_CONFIG');
  });
});
