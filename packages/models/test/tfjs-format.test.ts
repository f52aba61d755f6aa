import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import {
  buildModel,
  calibrateBatchNorm,
  createModelMetadata,
  loadTfjsModel,
  saveTfjsModel,
  type TfjsModelFiles,
} from '../src/index';
import { tfWasm } from './tf-wasm';
import { maxAbsDiff, randomInput, runTfjs, std } from './onnx-helpers';

const FEATURES = { spectrogramHeight: 32, spectrogramWidth: 32 };

describe('tfjs format (model.json + weights.bin)', () => {
  it('round-trips an EfficientNet with stochastic depth, its weights and metadata', async () => {
    const tf = await tfWasm();
    const modelConfig = { architecture: 'efficientnet_b0', stochasticDepthRate: 0.2, labels: ['a', 'b', 'c', 'd'] };
    const model = await buildModel(modelConfig, FEATURES, { tf, seed: 1 });
    calibrateBatchNorm(model, tf, { batches: 1, batchSize: 4 });
    const metadata = createModelMetadata({ featureConfig: FEATURES, modelConfig, trainingMetrics: { macroF1: 0.5 } });
    const files = await saveTfjsModel(model, metadata, { tf });
    const json = JSON.parse(files.modelJson) as { format: string; weightsManifest: { paths: string[] }[]; userDefinedMetadata: Record<string, Record<string, string>> };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(files.modelJson).toContain('NoiseClassifierStochasticDepth');
    expect(JSON.parse(json.userDefinedMetadata.noise_classifier!.labels!)).toEqual(['a', 'b', 'c', 'd']);

    const loaded = await loadTfjsModel(files, { tf });
    expect(loaded.metadata.labels).toEqual(['a', 'b', 'c', 'd']);
    expect(loaded.metadata.trainingMetrics).toEqual({ macroF1: 0.5 });
    expect(loaded.metadata.modelConfig.stochasticDepthRate).toBe(0.2);
    const shape = [2, 1, 32, 32] as const;
    const x = randomInput(shape, 3);
    const before = runTfjs(tf, model, x, shape);
    const after = runTfjs(tf, loaded.model, x, shape);
    expect(std(before)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(before, after)).toBe(0);
    model.dispose();
    loaded.model.dispose();
  });

  it('rejects truncated weights, broken JSON and label/output mismatches', async () => {
    const tf = await tfWasm();
    const modelConfig = { architecture: 'cnn_small', labels: ['a', 'b'] };
    const model = await buildModel(modelConfig, FEATURES, { tf });
    const files = await saveTfjsModel(model, createModelMetadata({ featureConfig: FEATURES, modelConfig }), { tf });
    model.dispose();
    const expectCode = async (f: TfjsModelFiles, code: string, pattern: RegExp) => {
      const error = await loadTfjsModel(f, { tf }).catch((e: unknown) => e);
      expect(isNoiseClassifierError(error)).toBe(true);
      expect((error as { code: string }).code).toBe(code);
      expect((error as Error).message).toMatch(pattern);
    };
    await expectCode({ ...files, weightsBin: files.weightsBin.slice(0, 100) }, 'E_MODEL_FORMAT', /weights\.bin/);
    await expectCode({ ...files, modelJson: files.modelJson.slice(0, 50) }, 'E_MODEL_FORMAT', /not valid JSON/);
    await expectCode({ ...files, modelJson: '{"hello":1}' }, 'E_MODEL_FORMAT', /not a tfjs layers model/);
    const json = JSON.parse(files.modelJson) as { userDefinedMetadata: { noise_classifier: Record<string, string> } };
    json.userDefinedMetadata.noise_classifier.labels = JSON.stringify(['a', 'b', 'c']);
    await expectCode({ ...files, modelJson: JSON.stringify(json) }, 'E_MODEL_MISMATCH', /2 outputs but 3 labels/);
    delete (json as { userDefinedMetadata?: unknown }).userDefinedMetadata;
    await expectCode({ ...files, modelJson: JSON.stringify(json) }, 'E_MODEL_FORMAT', /no @noise-classifier metadata/);
    const foreign = await loadTfjsModel({ ...files, modelJson: JSON.stringify(json) }, { tf, labels: ['x', 'y'], featureConfig: FEATURES });
    expect(foreign.metadata.labels).toEqual(['x', 'y']);
    foreign.model.dispose();
  });
});

describe('pretrained weights from a local checkpoint', () => {
  it('explains that pretrained needs a loader (ImageNet is never downloaded)', async () => {
    const tf = await tfWasm();
    const error = await buildModel({ architecture: 'cnn_small', pretrained: true, pretrainedWeightsPath: '/ckpt/model.json' }, FEATURES, { tf }).catch((e: unknown) => e);
    expect(isNoiseClassifierError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(/never downloaded/);
    expect((error as Error).message).toMatch(/\/ckpt\/model\.json/);
  });

  it('loads weights through the injected loader, keeping a resized head fresh', async () => {
    const tf = await tfWasm();
    const sourceConfig = { architecture: 'cnn_small', labels: ['a', 'b', 'c'] };
    const source = await buildModel(sourceConfig, FEATURES, { tf, seed: 1 });
    const files = await saveTfjsModel(source, createModelMetadata({ featureConfig: FEATURES, modelConfig: sourceConfig }), { tf });
    const requested: string[] = [];
    const loadWeights = async (path: string) => {
      requested.push(path);
      return files;
    };
    const same = await buildModel({ ...sourceConfig, pretrained: true, pretrainedWeightsPath: 'ckpt' }, FEATURES, { tf, seed: 2, loadWeights });
    const kernel = (m: Tf.LayersModel, name: string) => Array.from(m.getLayer(name).getWeights()[0]!.dataSync());
    expect(requested).toEqual(['ckpt']);
    expect(kernel(same, 'conv3')).toEqual(kernel(source, 'conv3'));
    expect(kernel(same, 'logits')).toEqual(kernel(source, 'logits'));

    const resized = await buildModel({ architecture: 'cnn_small', labels: ['x', 'y'], pretrained: true, pretrainedWeightsPath: 'ckpt' }, FEATURES, { tf, seed: 2, loadWeights });
    expect(kernel(resized, 'conv3')).toEqual(kernel(source, 'conv3'));
    expect(resized.getLayer('logits').getWeights()[0]!.shape).toEqual([128, 2]);

    const inMemory = await buildModel({ ...sourceConfig, pretrained: true, pretrainedWeightsPath: 'ckpt' }, FEATURES, { tf, seed: 3, pretrainedWeights: files });
    expect(kernel(inMemory, 'conv1')).toEqual(kernel(source, 'conv1'));
    inMemory.dispose();

    const wrongArch = await buildModel({ architecture: 'efficientnet_b0', labels: ['x', 'y'], pretrained: true, pretrainedWeightsPath: 'ckpt' }, FEATURES, { tf, loadWeights }).catch((e: unknown) => e);
    expect(isNoiseClassifierError(wrongArch, 'E_MODEL_MISMATCH')).toBe(true);

    const missing = await buildModel({ ...sourceConfig, pretrained: true, pretrainedWeightsPath: 'nope' }, FEATURES, {
      tf,
      loadWeights: async () => { throw new Error('ENOENT: no such file'); },
    }).catch((e: unknown) => e);
    expect(isNoiseClassifierError(missing, 'E_MODEL_NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toMatch(/nope.*ENOENT/);
    [source, same, resized].forEach((m) => m.dispose());
  });
});

describe('batch-norm calibration for untrained exports', () => {
  it('keeps an untrained EfficientNet-B3 out of denormal range', async () => {
    const tf = await tfWasm();
    const features = { spectrogramHeight: 128, spectrogramWidth: 128 };
    const model = await buildModel({ architecture: 'efficientnet_b3', inputChannels: 3 }, features, { tf, seed: 4 });
    const shape = [2, 3, 128, 128] as const;
    const x = randomInput(shape, 8);
    const raw = std(runTfjs(tf, model, x, shape));
    calibrateBatchNorm(model, tf, { batches: 1, batchSize: 4, seed: 1 });
    const calibrated = runTfjs(tf, model, x, shape);
    // With initial statistics (mean 0, variance 1) the signal shrinks block after block.
    expect(raw).toBeLessThan(1e-3);
    expect(std(calibrated)).toBeGreaterThan(1e-3);
    expect(std(calibrated)).toBeLessThan(1e4);
    expect(calibrated.every(Number.isFinite)).toBe(true);
    const head = model.getLayer('head_bn').getWeights();
    expect(Array.from(head[3]!.dataSync()).some((v) => v !== 1)).toBe(true); // moving variance was set
    model.dispose();
  });

  it('validates its options', async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small' }, FEATURES, { tf });
    expect(() => calibrateBatchNorm(model, tf, { batches: 0 })).toThrow(/batches/);
    expect(() => calibrateBatchNorm(model, tf, { batchSize: 1.5 })).toThrow(/batchSize/);
    model.dispose();
  });
});
