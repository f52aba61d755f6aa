import { NoiseClassifierService, toWireClassification } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setLegacyRuntime } from '../src/default-runtime';
import { resetDeprecationWarnings, silenceDeprecations } from '../src/deprecation';
import { NoiseClassifierV2 } from '../src/noise-classifier-v2';
import { alarmClip, CLIP_SAMPLE_RATE, FIXTURE_LABELS } from './helpers/build-fixtures';
import { fixtureBytes, migrationWorkdir } from './helpers/fixtures';
import { rejection } from './helpers/rejection';
import { captureWarnings } from './helpers/warnings';

describe('NoiseClassifierV2 over NoiseClassifierService', () => {
  let modelPath: string;
  let service: NoiseClassifierService;
  const noise = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin(i * 0.37) * 0.3 + Math.sin(i * 0.011) * 0.2);

  beforeAll(async () => {
    modelPath = join(await migrationWorkdir(), 'model.onnx');
    service = await NoiseClassifierService.create({ config: { modelPath, device: 'cpu' }, runtime: nodeRuntime });
  });
  afterAll(async () => {
    await service.dispose();
    setLegacyRuntime(undefined);
  });
  beforeEach(() => resetDeprecationWarnings());
  afterEach(() => resetDeprecationWarnings());

  it('positional constructor, lazy load: the seed keys with exactly the service values', async () => {
    let old!: NoiseClassifierV2;
    const warnings = await captureWarnings(() => {
      old = new NoiseClassifierV2(modelPath, 'cpu', { runtime: nodeRuntime });
      new NoiseClassifierV2({ modelPath, device: 'cpu', runtime: nodeRuntime });
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_001']);
    expect(warnings[0]?.message).toContain('NoiseClassifierService.create');

    const result = await old.classify(noise, 48_000, 5);
    const expected = toWireClassification(await service.classify(noise, 48_000, { topK: 5 }));
    expect(result).toEqual(expected);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['predicted_class', 'confidence', 'probabilities', 'top_k']));
    expect(result.top_k).toHaveLength(5);
    expect(Object.keys(result.probabilities).sort()).toEqual([...FIXTURE_LABELS].sort());
    expect(result.metadata?.untrained).toBe(true);
    await old.dispose();
  });

  it('defaults sample_rate to 48000 and return_top_k to 5; resamples other rates like the service', async () => {
    const old = await NoiseClassifierV2.create({ model_path: modelPath, runtime: nodeRuntime, silenceDeprecation: true });
    const byDefault = await old.classify(noise);
    expect(byDefault).toEqual(toWireClassification(await service.classify(noise, 48_000, { topK: 5 })));
    const clip = alarmClip();
    const at44 = await old.classify(clip, CLIP_SAMPLE_RATE, 2);
    expect(at44).toEqual(toWireClassification(await service.classify(clip, CLIP_SAMPLE_RATE, { topK: 2 })));
    expect(at44.top_k).toHaveLength(2);
    const wav = await fixtureBytes('clip.wav');
    expect(await old.classify(wav)).toEqual(toWireClassification(await service.classify(wav, undefined, { topK: 5 })));
    await old.dispose();
  });

  it('needs no set-up in Node (the platform default runtime); register-node is a no-op; setLegacyRuntime still wins', async () => {
    setLegacyRuntime(undefined);
    const plain = new NoiseClassifierV2(modelPath, 'cpu', { silenceDeprecation: true });
    const expected = (await service.classify(noise)).predictedClass;
    expect((await plain.classify(noise)).predicted_class).toBe(expected);
    expect((await plain.load()).backendName).toBe('onnxruntime-node');
    await plain.dispose();
    const register = (await import('../src/node/register')) as Record<string, unknown>;
    expect(Object.keys(register)).toEqual([]); // kept for old imports; sets nothing
    const refusing = { ...nodeRuntime, name: 'refusing', readFile: () => Promise.reject(new Error('refused by the legacy runtime')) };
    setLegacyRuntime(refusing);
    try {
      await expect(new NoiseClassifierV2(modelPath, 'cpu', { silenceDeprecation: true }).classify(noise)).rejects.toThrow(/refused by the legacy runtime/);
    } finally {
      setLegacyRuntime(undefined);
    }
  });

  it('a missing model file: the service error (E_MODEL_NOT_FOUND), at create() or at the first classify()', async () => {
    silenceDeprecations();
    try {
      const path = join(await migrationWorkdir(), 'no-such-model.onnx');
      const eager = await rejection(NoiseClassifierV2.create(path, 'cpu', { runtime: nodeRuntime }));
      const reference = await rejection(NoiseClassifierService.create({ modelPath: path, runtime: nodeRuntime }));
      expect(eager.code).toBe('E_MODEL_NOT_FOUND');
      expect(eager.code).toBe(reference.code);
      expect(eager.message).toContain('no-such-model.onnx');
      const lazy = new NoiseClassifierV2(path, 'cpu', { runtime: nodeRuntime });
      expect((await rejection(lazy.classify(noise))).code).toBe('E_MODEL_NOT_FOUND');
    } finally {
      silenceDeprecations(false);
    }
  });

  it('bad arguments: the same codes as the new API, named as the seed named them', async () => {
    silenceDeprecations();
    try {
      const old = new NoiseClassifierV2(modelPath, 'cpu', { runtime: nodeRuntime });
      const nan = await rejection(old.classify(Float32Array.from([0, Number.NaN, 0])));
      const nanNew = await rejection(service.classify(Float32Array.from([0, Number.NaN, 0])));
      expect(nan.code).toBe(nanNew.code);
      expect(nan.field).toBe(nanNew.field); // `audio[1]` in both APIs
      const topK = await rejection(old.classify(noise, 48_000, 0));
      expect(topK.code).toBe((await rejection(service.classify(noise, 48_000, { topK: 0 }))).code);
      expect(topK.field).toBe('return_top_k');
      expect(topK.message).not.toMatch(/\btopK\b/);
      const rate = await rejection(old.classify(noise, -1));
      expect(rate.code).toBe((await rejection(service.classify(noise, -1))).code);
      expect(rate.message).not.toMatch(/\bsampleRate\b/);
      expect(() => new NoiseClassifierV2(modelPath, 'gpu' as never)).toThrow(/device/);
      expect(() => new NoiseClassifierV2(42 as never)).toThrow(/model_path/);
      await old.dispose();
    } finally {
      silenceDeprecations(false);
    }
  });
});
