import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { generateSyntheticClip } from '../src/synthetic/synthetic-clips';
import { toWireClassification } from '../src/wire/classification-wire';
import { TEST_LABELS, untrainedOnnx } from './helpers/untrained-model';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

let service: NoiseClassifierService;
let onnx: Uint8Array;
const dog = readSharedClip(SHARED_CLIPS.dogBark);

beforeAll(async () => {
  onnx = await untrainedOnnx();
  service = await NoiseClassifierService.create({ model: onnx, runtime: nodeRuntime });
}, 120_000);

afterAll(async () => {
  await service?.dispose();
});

describe('NoiseClassifierService.classify', () => {
  it('returns the seed result shape with probabilities that sum to 1, flagged untrained', async () => {
    const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin(i / 7) * 0.1);
    const r = await service.classify(audio, 48_000, { topK: 3 });
    expect(TEST_LABELS).toContain(r.predictedClass);
    expect(Object.keys(r.probabilities)).toEqual(TEST_LABELS);
    const sum = Object.values(r.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(r.topK).toHaveLength(3);
    expect(r.topK[0]).toEqual([r.predictedClass, r.confidence]);
    expect(r.topK[0]![1]).toBeGreaterThanOrEqual(r.topK[1]![1]);
    expect(r.confidence).toBe(r.probabilities[r.predictedClass]);
    expect(r.durationSeconds).toBeCloseTo(1, 6);
    expect(r.metadata).toMatchObject({ untrained: true, architecture: 'cnn_small', windowCount: 1 });
    expect(r.windows).toBeUndefined();
    expect(toWireClassification(r).top_k).toHaveLength(3);
  });

  it('accepts number[], other sample rates (resampled) and encoded bytes', async () => {
    const tone = (sr: number) => Float32Array.from({ length: sr }, (_, i) => 0.2 * Math.sin((2 * Math.PI * 440 * i) / sr));
    const at48 = await service.classify(tone(48_000), 48_000);
    const at16 = await service.classify(Array.from(tone(16_000)), 16_000);
    expect(at16.durationSeconds).toBeCloseTo(1, 6);
    // Same sound at another rate: near-identical probabilities (resampling changes little below 8 kHz).
    for (const label of TEST_LABELS) expect(Math.abs(at16.probabilities[label]! - at48.probabilities[label]!)).toBeLessThan(0.05);
    const fromFile = await service.classify(dog);
    expect(fromFile.durationSeconds).toBeGreaterThan(4.9);
    expect(fromFile.windows!.length).toBeGreaterThan(1);
  });

  it('slides windows over long audio with a timeline, mean or max aggregation', async () => {
    const clip = generateSyntheticClip('pink_noise', { seed: 1, durationSeconds: 6 });
    const mean = await service.classify(clip.samples, 48_000, { hopSeconds: 0.5, returnWindows: true });
    const max = await service.classify(clip.samples, 48_000, { hopSeconds: 0.5, aggregation: 'max' });
    const w = mean.windows!;
    // (6 s − 1.36 s window) / 0.5 s hop → 10 windows (+1 aligned to the end).
    expect(w.length).toBeGreaterThanOrEqual(10);
    expect(w[0]!.startSeconds).toBe(0);
    expect(w[1]!.startSeconds).toBeCloseTo(0.5, 1);
    expect(w.at(-1)!.endSeconds).toBeCloseTo(6, 1);
    expect(max.metadata?.aggregation).toBe('max');
    expect(Object.values(max.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Longer timeline segments: 3 s segments, 1 s hop.
    const seg = await service.classify(clip.samples, 48_000, { windowSeconds: 3, hopSeconds: 1 });
    expect(seg.windows!.length).toBe(4);
    expect(seg.windows![0]!.endSeconds - seg.windows![0]!.startSeconds).toBeCloseTo(3, 1);
    // A hop longer than a window: sparse windows at 0, 2, 4 s and the one aligned to the end.
    const sparse = await service.classify(clip.samples, 48_000, { hopSeconds: 2 });
    expect(sparse.windows!.map((x) => Math.round(x.startSeconds))).toEqual([0, 2, 4, 5]);
  });

  it('classifyBatch equals classify item by item, across model-call boundaries', async () => {
    const small = await NoiseClassifierService.create({ model: onnx, runtime: nodeRuntime, config: { maxBatchSize: 3 } });
    const clips = [1, 2, 3].map((seed) => generateSyntheticClip('white_noise', { seed, durationSeconds: 2 + seed }).samples);
    const batch = await small.classifyBatch(clips.map((audio) => ({ audio, sampleRate: 48_000 })));
    expect(batch).toHaveLength(clips.length);
    for (const [i, clip] of clips.entries()) {
      const single = await service.classify(clip, 48_000);
      for (const label of TEST_LABELS) expect(batch[i]!.probabilities[label]).toBeCloseTo(single.probabilities[label]!, 5);
    }
    await small.dispose();
  });

  it('gives clear errors for bad input and after dispose', async () => {
    await expect(service.classify(new Float32Array(0), 48_000)).rejects.toMatchObject({ code: 'E_BAD_AUDIO' });
    await expect(service.classify([0, NaN, 1] as number[], 48_000)).rejects.toThrow(/audio\[1\]/);
    await expect(service.classify(new Float32Array(100), -5)).rejects.toMatchObject({ code: 'E_SAMPLE_RATE' });
    await expect(service.classify(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).rejects.toHaveProperty('code');
    await expect(service.classify(new Float32Array(4800), 48_000, { topK: 0 })).rejects.toThrow(/topK/);
    const other = await NoiseClassifierService.create({ model: onnx, runtime: nodeRuntime });
    await other.dispose();
    await other.dispose();
    await expect(other.classify(new Float32Array(48_000))).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });
});

describe('NoiseClassifierService.create / export', () => {
  it('reads a model path through the runtime and reports a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-service-'));
    await service.export(join(dir, 'm.onnx'), 'onnx');
    // Compare as a boolean: a failing deep-equal on 700k bytes would make the diff printer run out of memory.
    expect(Buffer.compare(readFileSync(join(dir, 'm.onnx')), Buffer.from(onnx)) === 0).toBe(true);
    const loaded = await NoiseClassifierService.create({ modelPath: join(dir, 'm.onnx'), runtime: nodeRuntime });
    expect(loaded.labels).toEqual(TEST_LABELS);
    expect(loaded.featureConfig.sampleRate).toBe(48_000);
    await loaded.dispose();
    await expect(NoiseClassifierService.create({ modelPath: join(dir, 'nope.onnx'), runtime: nodeRuntime })).rejects.toMatchObject({
      code: 'E_MODEL_NOT_FOUND',
    });
    // No runtime: the platform default (`#default-runtime`, the Node one under vitest) reads the file.
    const zeroConfig = await NoiseClassifierService.create({ modelPath: join(dir, 'm.onnx') });
    expect(zeroConfig.labels).toEqual(TEST_LABELS);
    expect(zeroConfig.backendName).toBe('onnxruntime-node');
    await zeroConfig.dispose();
    await expect(NoiseClassifierService.create({ model: new Uint8Array([8, 1, 2]), runtime: nodeRuntime })).rejects.toMatchObject({
      code: 'E_MODEL_FORMAT',
    });
    expect(readdirSync(dir)).toEqual(['m.onnx']);
  });

  it('uses the bundled default model when no model is given (no runtime, nodeRuntime, or the Node default runtime)', async () => {
    const { defaultPlatformRuntime } = await import('../src/node/default-runtime');
    for (const runtime of [undefined, nodeRuntime, defaultPlatformRuntime]) {
      const bundled = await NoiseClassifierService.create(runtime === undefined ? undefined : { runtime });
      expect(bundled.modelLocation).toMatch(/pipelines[\\/]models[\\/]default-model\.onnx$/);
      expect(bundled.metadata.untrained).toBe(false);
      expect(bundled.labels).toEqual(expect.arrayContaining(['dog_barking', 'rain_heavy', 'fire_alarm', 'silence']));
      const r = await bundled.classify(dog);
      expect(r.metadata?.untrained).toBe(false);
      expect(bundled.labels).toContain(r.predictedClass);
      await bundled.dispose();
    }
  });

  it('refuses torchscript (pointing to ONNX) and tfjs for an ONNX-only service', async () => {
    await expect(service.export('/tmp/x.pt', 'torchscript')).rejects.toMatchObject({ code: 'E_UNSUPPORTED_FORMAT', message: expect.stringMatching(/ONNX/) });
    await expect(service.export('/tmp/x', 'tfjs')).rejects.toThrow(/tfjs export needs a trained tfjs checkpoint/);
  });
});

describe('NoiseClassifierService from a tfjs model', () => {
  it('exports tfjs files (model.json + weights.bin) that load back with the same metadata', async () => {
    const { buildModel, createModelMetadata, loadTf, loadTfjsModel } = await import('@noise-classifier/models');
    const tf = await loadTf();
    await tf.setBackend('cpu');
    const modelConfig = { architecture: 'cnn_small', labels: ['dog_barking', 'silence'], inputChannels: 1 as const };
    const model = await buildModel(modelConfig, {}, { seed: 2 });
    const metadata = createModelMetadata({ modelConfig, featureConfig: {}, untrained: true });
    const fromTf = await NoiseClassifierService.create({ tfjsModel: model, metadata, runtime: nodeRuntime });
    const dir = mkdtempSync(join(tmpdir(), 'nc-tfjs-'));
    await fromTf.export(dir, 'tfjs');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadTfjsModel({ modelJson: readFileSync(join(dir, 'model.json'), 'utf8'), weightsBin: new Uint8Array(readFileSync(join(dir, 'weights.bin'))) });
    expect(loaded.metadata.labels).toEqual(['dog_barking', 'silence']);
    // The checkpoint files themselves make a service (as after `noise-classifier train`).
    const fromFiles = await NoiseClassifierService.create({
      tfjsFiles: { modelJson: readFileSync(join(dir, 'model.json'), 'utf8'), weightsBin: new Uint8Array(readFileSync(join(dir, 'weights.bin'))) },
      runtime: nodeRuntime,
    });
    expect(fromFiles.labels).toEqual(['dog_barking', 'silence']);
    // The ONNX the service runs was produced from the same weights: its export round-trips too.
    await fromTf.export(join(dir, 'm.onnx'));
    const viaOnnx = await NoiseClassifierService.create({ modelPath: join(dir, 'm.onnx'), runtime: nodeRuntime });
    const audio = generateSyntheticClip('pink_noise', { seed: 3, durationSeconds: 1 }).samples;
    const a = await fromTf.classify(audio, 48_000);
    const b = await viaOnnx.classify(audio, 48_000);
    expect(b.probabilities.silence).toBeCloseTo(a.probabilities.silence!, 6);
    expect((await fromFiles.classify(audio, 48_000)).probabilities.silence).toBeCloseTo(a.probabilities.silence!, 5);
    await Promise.all([fromTf.dispose(), viaOnnx.dispose(), fromFiles.dispose()]);
    model.dispose();
    loaded.model.dispose();
  }, 120_000);
});
