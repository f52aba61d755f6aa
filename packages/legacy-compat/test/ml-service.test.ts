import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDeprecationWarnings, silenceDeprecations } from '../src/deprecation';
import { ML_MODEL_V2_PATH_ENV, MLService } from '../src/ml-service';
import { alarmClip, CLIP_SAMPLE_RATE, wavBytes } from './helpers/build-fixtures';
import { fixtureBytes, migrationWorkdir } from './helpers/fixtures';
import { rejection } from './helpers/rejection';
import { captureWarnings } from './helpers/warnings';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
/** float32 little-endian bytes, as numpy's `samples.astype(np.float32).tobytes()`. */
const float32Bytes = (samples: Float32Array) => {
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setFloat32(i * 4, s, true));
  return out;
};

describe('MLService', () => {
  let modelPath: string;
  let service: NoiseClassifierService;

  beforeAll(async () => {
    modelPath = join(await migrationWorkdir(), 'model.onnx');
    service = await NoiseClassifierService.create({ modelPath, runtime: nodeRuntime });
  });
  afterAll(() => service.dispose());
  beforeEach(() => {
    resetDeprecationWarnings();
    delete process.env[ML_MODEL_V2_PATH_ENV];
  });
  afterEach(() => {
    resetDeprecationWarnings();
    delete process.env[ML_MODEL_V2_PATH_ENV];
  });

  it('classify_noise(base64 WAV) maps the service result to the seed keys', async () => {
    let ml!: MLService;
    const warnings = await captureWarnings(() => {
      ml = new MLService({ modelPath, runtime: nodeRuntime });
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_004']);
    const wav = await fixtureBytes('clip.wav');
    const result = await ml.classify_noise(base64(wav));
    const expected = await service.classify(wav);
    expect(result).toEqual({
      noise_type: expected.predictedClass,
      confidence: expected.confidence,
      all_predictions: expected.probabilities,
      model_version: 'v2',
    });
    expect(await ml.classifyNoise({ audioData: `data:audio/wav;base64,${base64(wav)}`, sampleRate: 48_000 })).toEqual(result);
    await ml.dispose();
  });

  it('raw float32 little-endian PCM with its sample rate equals classifying the samples', async () => {
    const ml = new MLService({ modelPath, runtime: nodeRuntime, silenceDeprecation: true });
    const samples = alarmClip();
    const result = await ml.classify_noise(base64(float32Bytes(samples)), CLIP_SAMPLE_RATE);
    const expected = await service.classify(samples, CLIP_SAMPLE_RATE);
    expect(result.noise_type).toBe(expected.predictedClass);
    expect(result.all_predictions).toEqual(expected.probabilities);
    // The same audio as a 16-bit WAV gives nearly the same answer (16-bit quantisation only).
    const asWav = await ml.classify_noise(base64(wavBytes(samples, CLIP_SAMPLE_RATE)));
    for (const [label, p] of Object.entries(result.all_predictions)) expect(asWav.all_predictions[label]).toBeCloseTo(p, 3);
    await ml.dispose();
  });

  it('takes the model path from ML_MODEL_V2_PATH when no option is given; the option wins', async () => {
    silenceDeprecations();
    try {
      process.env[ML_MODEL_V2_PATH_ENV] = modelPath;
      expect(new MLService({ runtime: nodeRuntime }).modelPath).toBe(modelPath);
      expect(new MLService({ model_path: '/elsewhere.onnx', runtime: nodeRuntime }).modelPath).toBe('/elsewhere.onnx');
      const ml = new MLService({ runtime: nodeRuntime });
      expect((await ml.classify_noise(base64(await fixtureBytes('clip.wav')))).model_version).toBe('v2');
      await ml.dispose();
      process.env[ML_MODEL_V2_PATH_ENV] = join(await migrationWorkdir(), 'missing.onnx');
      const missing = await rejection(new MLService({ runtime: nodeRuntime }).classify_noise(base64(await fixtureBytes('clip.wav'))));
      expect(missing.code).toBe('E_MODEL_NOT_FOUND');
      expect(missing.message).toContain('missing.onnx');
      delete process.env[ML_MODEL_V2_PATH_ENV];
      expect(new MLService({ runtime: nodeRuntime }).modelPath).toBeUndefined(); // → the bundled default model
    } finally {
      silenceDeprecations(false);
    }
  });

  it('bad input: the new API codes, in the old names (audio_data, sample_rate) or the new (audioData)', async () => {
    silenceDeprecations();
    try {
      const ml = new MLService({ modelPath, runtime: nodeRuntime });
      const notBase64 = await rejection(ml.classify_noise('not base64!'));
      expect(notBase64.code).toBe('E_BAD_AUDIO');
      expect(notBase64.field).toBe('audio_data');
      expect(notBase64.message).toContain('"!" at position 10');
      expect((await rejection(ml.classifyNoise({ audioData: 'not base64!' }))).field).toBe('audioData');
      expect((await rejection(ml.classify_noise(''))).field).toBe('audio_data');
      expect((await rejection(ml.classify_noise(42 as never))).code).toBe('E_BAD_AUDIO');

      const raw = base64(float32Bytes(new Float32Array(4_800)));
      const noRate = await rejection(ml.classify_noise(raw));
      expect(noRate.code).toBe('E_SAMPLE_RATE');
      expect(noRate.field).toBe('sample_rate');
      expect((await rejection(ml.classifyNoise({ audioData: raw }))).field).toBe('sampleRate');
      const odd = await rejection(ml.classify_noise(base64(new Uint8Array([1, 2, 3, 4, 5])), 48_000));
      expect(odd.code).toBe('E_BAD_AUDIO');
      expect(odd.message).toContain('multiple of 4 bytes');

      const nan = float32Bytes(Float32Array.from([0, 0.5, Number.NaN, 0]));
      const nanError = await rejection(ml.classify_noise(base64(nan), 48_000));
      const nanNew = await rejection(service.classify(Float32Array.from([0, 0.5, Number.NaN, 0]), 48_000));
      expect(nanError.code).toBe(nanNew.code);
      expect(nanError.field).toBe('audio_data[2]');

      const truncated = (await fixtureBytes('clip.wav')).subarray(0, 30);
      const decodeError = await rejection(ml.classify_noise(base64(truncated)));
      const decodeNew = await rejection(service.classify(truncated));
      expect(decodeError.code).toBe(decodeNew.code);
      expect(decodeError.field?.startsWith('audio_data') || decodeError.field === undefined).toBe(true);
      await ml.dispose();
    } finally {
      silenceDeprecations(false);
    }
  });
});

describe('MLService: files vs raw PCM', () => {
  let service: NoiseClassifierService;
  let ml: MLService;
  beforeAll(async () => {
    const modelPath = join(await migrationWorkdir(), 'model.onnx');
    service = await NoiseClassifierService.create({ modelPath, runtime: nodeRuntime });
    ml = new MLService({ modelPath, runtime: nodeRuntime, silenceDeprecation: true });
  });
  afterAll(() => Promise.all([service.dispose(), ml.dispose()]));

  it('a bare MP3 stream with a sample_rate is decoded as MP3', async () => {
    const { readFileSync } = await import('node:fs');
    const mp3 = new Uint8Array(readFileSync(new URL('./fixtures/synthetic-alarm-1s.mp3', import.meta.url)));
    const result = await ml.classify_noise(base64(mp3), 48_000);
    expect(result.all_predictions).toEqual((await service.classify(mp3)).probabilities);
  });

  it('raw PCM whose first sample looks like an MPEG header is classified as PCM', async () => {
    const samples = alarmClip().subarray(0, 48_000).slice();
    const bytes = float32Bytes(samples);
    bytes.set([0xff, 0xfb, 0x90, 0x3c], 0);
    const asSamples = new Float32Array(bytes.buffer.slice(0));
    const result = await ml.classify_noise(base64(bytes), CLIP_SAMPLE_RATE);
    expect(result.all_predictions).toEqual((await service.classify(asSamples, CLIP_SAMPLE_RATE)).probabilities);
  });
});

describe('MLService without Node’s Buffer (browsers)', () => {
  it('decodes base64 with atob to the same bytes and result', async () => {
    const modelPath = join(await migrationWorkdir(), 'model.onnx');
    const ml = new MLService({ modelPath, runtime: nodeRuntime, silenceDeprecation: true });
    const wav = await fixtureBytes('clip.wav');
    const withBuffer = await ml.classify_noise(base64(wav));
    const realBuffer = globalThis.Buffer;
    let pending: Promise<unknown>;
    try {
      // Base64 is decoded synchronously when the call starts; Buffer is back before anything else runs.
      Object.defineProperty(globalThis, 'Buffer', { value: undefined, configurable: true, writable: true });
      pending = ml.classify_noise(base64WithoutBuffer(wav));
    } finally {
      Object.defineProperty(globalThis, 'Buffer', { value: realBuffer, configurable: true, writable: true });
    }
    expect(await pending).toEqual(withBuffer);
    await ml.dispose();
  });
});

function base64WithoutBuffer(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
