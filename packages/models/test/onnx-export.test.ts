import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError, NOISE_LABELS } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import {
  buildModel,
  calibrateBatchNorm,
  countParameters,
  createModelMetadata,
  exportOnnx,
  readOnnxModelInfo,
  samePads,
} from '../src/index';
import { tfWasm } from './tf-wasm';
import { maxAbsDiff, randomInput, runOrt, runTfjs, std } from './onnx-helpers';

const FEATURES = { spectrogramHeight: 128, spectrogramWidth: 128 };

async function exportChecked(architecture: string, inputChannels: 1 | 3, batch: number) {
  const tf = await tfWasm();
  const model = await buildModel({ architecture, inputChannels }, FEATURES, { tf, seed: 3 });
  calibrateBatchNorm(model, tf, { batches: 1, batchSize: 2, seed: 5 });
  const metadata = createModelMetadata({ featureConfig: FEATURES, modelConfig: { architecture, inputChannels }, untrained: true });
  const bytes = exportOnnx(model, metadata);
  const shape = [batch, inputChannels, 128, 128] as const;
  const input = randomInput(shape, 11);
  const expected = runTfjs(tf, model, input, shape);
  const actual = await runOrt(bytes, input, shape);
  const params = countParameters(model);
  model.dispose();
  return { bytes, expected, actual, params };
}

describe('ONNX export matches tfjs in onnxruntime-node', () => {
  for (const [architecture, channels, batch] of [['cnn_small', 1, 3], ['efficientnet_b0', 3, 2]] as const) {
    it(`${architecture} (${channels} channel(s), batch ${batch}): max |Δlogits| ≤ 1e-4`, async () => {
      const { bytes, expected, actual, params } = await exportChecked(architecture, channels, batch);
      expect(actual.logitsDims).toEqual([batch, NOISE_LABELS.length]);
      expect(std(expected)).toBeGreaterThan(1e-3); // calibrated: a meaningful comparison, not 0 ≈ 0
      expect(maxAbsDiff(expected, actual.logits)).toBeLessThanOrEqual(1e-4);
      // probabilities = softmax(logits) per row
      for (let r = 0; r < batch; r++) {
        const row = actual.probabilities.slice(r * 59, (r + 1) * 59);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      }
      const info = readOnnxModelInfo(bytes);
      expect(info.opset).toBe(17);
      expect(info.irVersion).toBe(8);
      expect(info.producerName).toBe('@noise-classifier/models');
      expect(info.inputs).toEqual([{ name: 'input', elemType: 1, shape: ['batch', channels, 128, 128] }]);
      expect(info.outputs.map((o) => [o.name, o.shape])).toEqual([['logits', ['batch', 59]], ['probabilities', ['batch', 59]]]);
      // BN folding removes gamma/beta and moving stats but adds a bias per folded conv: close to the trainable count.
      expect(Math.abs(info.parameterCount - params.trainable) / params.trainable).toBeLessThan(0.01);
    });
  }
});

describe('self-describing metadata', () => {
  it('round-trips labels, feature config, model config and training metrics', async () => {
    const tf = await tfWasm();
    const labels = ['siren', 'dog_bark', 'engine_idling'];
    const model = await buildModel({ architecture: 'cnn_small', labels }, { spectrogramHeight: 32, spectrogramWidth: 48, nMels: 32, nMfcc: 20 }, { tf });
    const metadata = createModelMetadata({
      featureConfig: { spectrogramHeight: 32, spectrogramWidth: 48, nMels: 32, nMfcc: 20, hopLength: 256 },
      modelConfig: { architecture: 'cnn_small', labels, dropout: 0.1 },
      trainingMetrics: { accuracy: 0.91, epochs: 12 },
      createdAt: '2026-11-26T00:00:00.000Z',
    });
    const info = readOnnxModelInfo(exportOnnx(model, metadata));
    model.dispose();
    expect(info.metadata.labels).toEqual(labels);
    expect(info.metadata.featureConfig).toEqual(metadata.featureConfig);
    expect(info.metadata.modelConfig.dropout).toBe(0.1);
    expect(info.metadata.modelConfig.numClasses).toBe(3);
    expect(info.metadata.trainingMetrics).toEqual({ accuracy: 0.91, epochs: 12 });
    expect(info.metadata.untrained).toBe(false);
    expect(info.metadata.createdAt).toBe('2026-11-26T00:00:00.000Z');
    expect(JSON.parse(info.metadataProps.feature_config!)).toHaveProperty('hop_length', 256);
  });
});

describe('bad model files', () => {
  let good: Uint8Array;
  const getGood = async () => {
    if (good) return good;
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small', labels: ['a', 'b'] }, { spectrogramHeight: 16, spectrogramWidth: 16 }, { tf });
    good = exportOnnx(model, createModelMetadata({ featureConfig: { spectrogramHeight: 16, spectrogramWidth: 16 }, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b'] } }));
    model.dispose();
    return good;
  };

  it('reports truncated bytes as E_MODEL_FORMAT', async () => {
    const bytes = await getGood();
    const fail = () => readOnnxModelInfo(bytes.slice(0, Math.floor(bytes.length / 2)));
    expect(fail).toThrow(/corrupt or truncated/);
    try { fail(); } catch (e) { expect(isNoiseClassifierError(e, 'E_MODEL_FORMAT')).toBe(true); }
  });

  it('reports garbage and empty input as E_MODEL_FORMAT', () => {
    const garbage = new TextEncoder().encode('this is definitely not an onnx model, just text');
    for (const bytes of [garbage, new Uint8Array(0), new Uint8Array([0xff, 0xff, 0xff])]) {
      try {
        readOnnxModelInfo(bytes);
        expect.unreachable();
      } catch (e) {
        expect(isNoiseClassifierError(e, 'E_MODEL_FORMAT')).toBe(true);
      }
    }
  });

  it('needs labels and a feature config for foreign models without our metadata', async () => {
    const { modelProtoType } = await import('../src/onnx/onnx-schema');
    const type = modelProtoType();
    const decoded = type.decode(await getGood()) as unknown as { metadataProps: unknown[] };
    decoded.metadataProps = [];
    const foreign = type.encode(decoded as never).finish();
    expect(() => readOnnxModelInfo(foreign)).toThrow(/no @noise-classifier metadata/);
    const info = readOnnxModelInfo(foreign, { labels: ['x', 'y'], featureConfig: { spectrogramHeight: 16, spectrogramWidth: 16 } });
    expect(info.metadata.labels).toEqual(['x', 'y']);
    expect(info.metadata.modelConfig.inputChannels).toBe(1);
    try {
      readOnnxModelInfo(foreign, { labels: ['x', 'y', 'z'], featureConfig: {} });
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_MODEL_MISMATCH')).toBe(true);
      expect((e as Error).message).toMatch(/2 outputs but 3 labels/);
    }
  });

  it('rejects metadata whose labels do not match the output size', async () => {
    const { modelProtoType } = await import('../src/onnx/onnx-schema');
    const type = modelProtoType();
    const decoded = type.decode(await getGood()) as unknown as { metadataProps: { key: string; value: string }[] };
    decoded.metadataProps.find((p) => p.key === 'labels')!.value = JSON.stringify(['a', 'b', 'c']);
    const bad = type.encode(decoded as never).finish();
    expect(() => readOnnxModelInfo(bad)).toThrow(/2 outputs but 3 labels/);
    decoded.metadataProps.find((p) => p.key === 'labels')!.value = '[not json';
    expect(() => readOnnxModelInfo(type.encode(decoded as never).finish())).toThrow(/labels entry that is not valid JSON/);
  });

  it('refuses to export with metadata for a different class count', async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small', labels: ['a', 'b'] }, { spectrogramHeight: 16, spectrogramWidth: 16 }, { tf });
    const metadata = createModelMetadata({ featureConfig: { spectrogramHeight: 16, spectrogramWidth: 16 }, modelConfig: { architecture: 'cnn_small' } });
    expect(() => exportOnnx(model, metadata)).toThrow(/2 outputs but the metadata lists 59 labels/);
    model.dispose();
  });

  it('refuses metadata that describes another input size or channel count', async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small', labels: ['a', 'b'] }, { spectrogramHeight: 16, spectrogramWidth: 16 }, { tf });
    const wrongSize = createModelMetadata({ featureConfig: {}, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b'] } });
    expect(() => exportOnnx(model, wrongSize)).toThrow(/\[C, H, W\] = \[1, 16, 16\] but its metadata describes \[1, 128, 128\]/);
    const wrongChannels = createModelMetadata({ featureConfig: { spectrogramHeight: 16, spectrogramWidth: 16 }, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b'], inputChannels: 3 } });
    try {
      exportOnnx(model, wrongChannels);
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_MODEL_MISMATCH')).toBe(true);
      expect((e as { field?: string }).field).toBe('modelConfig.inputChannels');
    }
    // The same check guards files: an ONNX model whose metadata lies about its input is rejected on read.
    const { modelProtoType } = await import('../src/onnx/onnx-schema');
    const type = modelProtoType();
    const decoded = type.decode(await getGood()) as unknown as { metadataProps: { key: string; value: string }[] };
    decoded.metadataProps.find((p) => p.key === 'feature_config')!.value = JSON.stringify({ spectrogram_height: 64 });
    expect(() => readOnnxModelInfo(type.encode(decoded as never).finish())).toThrow(/E_MODEL_MISMATCH|metadata describes/);
    model.dispose();
  });

  it("points 'torchscript' to ONNX with E_UNSUPPORTED_FORMAT", async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small', labels: ['a', 'b'] }, { spectrogramHeight: 16, spectrogramWidth: 16 }, { tf });
    const metadata = createModelMetadata({ featureConfig: {}, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b'] } });
    try {
      exportOnnx(model, metadata, { format: 'torchscript' });
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_UNSUPPORTED_FORMAT')).toBe(true);
      expect((e as Error).message).toMatch(/ONNX/);
    }
    model.dispose();
  });

  it('names the layer class it cannot export', async () => {
    const tf = await tfWasm();
    const input = tf.input({ shape: [8, 8, 1] });
    const flat = tf.layers.flatten().apply(tf.layers.upSampling2d({ size: [2, 2] }).apply(input)) as Tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(flat) as Tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const metadata = createModelMetadata({ featureConfig: { spectrogramHeight: 8, spectrogramWidth: 8 }, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b'] } });
    try {
      exportOnnx(model, metadata);
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_MODEL_FORMAT')).toBe(true);
      expect((e as Error).message).toMatch(/UpSampling2D/);
    }
    model.dispose();
  });
});

describe('generic layer translation', () => {
  it('exports branches, NHWC flatten/reshape, padding, pooling and unfolded batch norm exactly', async () => {
    const tf = await tfWasm();
    const L = tf.layers;
    const ap = (layer: Tf.layers.Layer, x: Tf.SymbolicTensor | Tf.SymbolicTensor[]) => layer.apply(x) as Tf.SymbolicTensor;
    const input = tf.input({ shape: [13, 10, 3] });
    const padded = ap(L.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), input);
    const a = ap(L.conv2d({ filters: 4, kernelSize: [3, 2], strides: [2, 3], padding: 'same', activation: 'relu' }), padded);
    const bnShared = ap(L.batchNormalization({ epsilon: 1e-3 }), a); // producer has relu: BN stays a node
    const b = ap(L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'swish' }), bnShared);
    const c = ap(L.conv2d({ filters: 8, kernelSize: 1, activation: 'sigmoid' }), bnShared);
    const mixed = ap(L.multiply(), [b, c]);
    const cat = ap(L.concatenate(), [mixed, ap(L.activation({ activation: 'tanh' }), b)]);
    const pooled = ap(L.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }), cat);
    const maxed = ap(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }), cat);
    const dense4 = ap(L.dense({ units: 5, activation: 'relu6' }), pooled);
    const flat = ap(L.flatten(), dense4);
    const reshaped = ap(L.reshape({ targetShape: [3, 4, 5] }), flat); // NHWC semantics matter here
    const gmp = ap(L.globalMaxPooling2d({}), maxed);
    const dense = ap(L.dense({ units: 7, activation: 'elu' }), ap(L.flatten(), ap(L.conv2d({ filters: 2, kernelSize: 2 }), reshaped)));
    const merged = ap(L.concatenate(), [dense, gmp]);
    const out = ap(L.dense({ units: 3 }), ap(L.leakyReLU({ alpha: 0.2 }), merged));
    const model = tf.model({ inputs: input, outputs: out });
    // Non-trivial BN statistics so that a wrong translation would show.
    const bnLayer = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    bnLayer.setWeights([tf.randomUniform([4], 0.5, 2, 'float32', 1), tf.randomNormal([4], 0, 1, 'float32', 2), tf.randomNormal([4], 0, 1, 'float32', 3), tf.randomUniform([4], 0.5, 2, 'float32', 4)]);
    const metadata = createModelMetadata({ featureConfig: { spectrogramHeight: 13, spectrogramWidth: 10 }, modelConfig: { architecture: 'cnn_small', labels: ['a', 'b', 'c'], inputChannels: 3 } });
    const shape = [2, 3, 13, 10] as const;
    const x = randomInput(shape, 5);
    const bytes = exportOnnx(model, metadata);
    const expected = runTfjs(tf, model, x, shape);
    const actual = await runOrt(bytes, x, shape);
    expect(std(expected)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(expected, actual.logits)).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });

  it('computes TF "same" pads with the extra pixel at the end', () => {
    expect(samePads(128, 3, 2)).toEqual([0, 1]);
    expect(samePads(128, 5, 2)).toEqual([1, 2]);
    expect(samePads(64, 3, 1)).toEqual([1, 1]);
    expect(samePads(7, 1, 1)).toEqual([0, 0]);
    expect(samePads(10, 3, 1, 2)).toEqual([2, 2]);
  });
});

describe('export argument checks', () => {
  it('refuses non-finite weights, non-models and missing metadata', async () => {
    const tf = await tfWasm();
    const features = { spectrogramHeight: 16, spectrogramWidth: 16 };
    const modelConfig = { architecture: 'cnn_small', labels: ['a', 'b'] };
    const model = await buildModel(modelConfig, features, { tf });
    const metadata = createModelMetadata({ featureConfig: features, modelConfig });
    const conv = model.getLayer('conv2');
    const [kernel] = conv.getWeights();
    const poisoned = kernel!.bufferSync();
    poisoned.set(NaN, 0, 0, 0, 0);
    conv.setWeights([poisoned.toTensor()]);
    try {
      exportOnnx(model, metadata);
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_MODEL_FORMAT')).toBe(true);
      expect((e as Error).message).toMatch(/conv2\.weight contains a non-finite value/);
    }
    expect(() => exportOnnx({} as never, metadata)).toThrow(/needs a tfjs LayersModel/);
    expect(() => exportOnnx(model, undefined as never)).toThrow(/needs model metadata/);
    model.dispose();
  });
});
