import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Tf from '@tensorflow/tfjs';
import {
  AUDIOSET_NUM_CLASSES,
  buildEfficientAtMn,
  buildModel,
  countParameters,
  createModelMetadata,
  efficientAtBlocks,
  efficientAtEmbeddingModel,
  efficientAtSqueezeChannels,
  loadEfficientAtWeights,
  readEfficientAtWeights,
  readSafetensors,
  loadTfjsModel,
  saveTfjsModel,
  type SafetensorsFile,
} from '../src/index';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import type { TfModule } from '../src/tfjs-loader';
import { MN04_WEIGHTS, readReference, referenceCases, relativeError } from './efficientat-helpers';
import { tfWasm } from './tf-wasm';

let tf: TfModule;
let weights: SafetensorsFile;

beforeAll(async () => {
  tf = await tfWasm();
  weights = readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS });
});

const mismatch = (...fragments: string[]) => expect.objectContaining({
  code: 'E_MODEL_MISMATCH',
  message: expect.stringMatching(new RegExp(fragments.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'))),
});

/** The weights file with some tensors removed, replaced or added. */
function edited(changes: Record<string, SafetensorsFile['tensors'] extends ReadonlyMap<string, infer T> ? T | undefined : never>): SafetensorsFile {
  const tensors = new Map(weights.tensors);
  for (const [name, tensor] of Object.entries(changes)) {
    if (tensor === undefined) tensors.delete(name);
    else tensors.set(name, tensor);
  }
  return { tensors, metadata: weights.metadata };
}

const weightValues = (model: Tf.LayersModel, layer: string) => model.getLayer(layer).getWeights()[0]!.dataSync().slice();

describe('EfficientAT mn04 architecture', () => {
  it('has the reference block table at width 0.4 (channels rounded to multiples of 8, SE squeeze ÷ 4)', () => {
    const blocks = efficientAtBlocks(0.4);
    expect(blocks.map((b) => b.outChannels)).toEqual([8, 16, 16, 16, 16, 16, 32, 32, 32, 32, 48, 48, 64, 64, 64]);
    expect(blocks.map((b) => b.expandedChannels)).toEqual([8, 24, 32, 32, 48, 48, 96, 80, 72, 72, 192, 272, 272, 384, 384]);
    expect(blocks.filter((b) => b.squeezeExcite).map((b) => efficientAtSqueezeChannels(b.expandedChannels))).toEqual([8, 16, 16, 48, 72, 72, 96, 96]);
  });

  it('has exactly the parameters of the published state_dict (983,599 trainable + 9,840 BN statistics)', () => {
    const model = buildEfficientAtMn(tf);
    const fileTrainable = [...weights.tensors].filter(([n]) => !/running_(mean|var)$/.test(n)).reduce((s, [, t]) => s + t.data.length, 0);
    expect(countParameters(model)).toEqual({ trainable: fileTrainable, nonTrainable: 9_840, total: 993_439 });
    expect(fileTrainable).toBe(983_599);
    expect(model.outputs[0]!.shape).toEqual([null, AUDIOSET_NUM_CLASSES]);
    expect(efficientAtEmbeddingModel(tf, model).outputs[0]!.shape).toEqual([null, 384]);
    model.dispose();
  });

  it('is registered as efficientat_mn04: input from the feature config, classes from the model config', async () => {
    const labels = ['rain', 'dog_bark', 'siren'];
    const model = await buildModel(
      { architecture: 'efficientat_mn04', labels, numClasses: 3, inputChannels: 1, dropout: 0.1 },
      { nMels: 128, spectrogramHeight: 128, spectrogramWidth: 101 },
      { tf, seed: 3 },
    );
    expect(model.inputs[0]!.shape).toEqual([null, 128, 101, 1]);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(model.getLayer('classifier_dropout').getConfig().rate).toBe(0.1);
    // A new head: everything but the 527-way AudioSet layer loads.
    loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, newHead: true });
    expect(weightValues(model, 'classifier_hidden').slice(0, 4)).toEqual(Float32Array.from(weights.tensors.get('classifier.2.weight')!.data.filter((_, i) => i % 384 === 0).slice(0, 4)));
    model.dispose();
  });
});

describe('EfficientAT mn04 checkpoints', () => {
  it('round-trips through the tfjs format (model.json names the hard-swish layer class) with the same outputs', async () => {
    const labels = ['rain', 'dog_bark'];
    const featureConfig = { ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: 40 };
    const modelConfig = { architecture: 'efficientat_mn04', labels, inputChannels: 1 };
    const model = await buildModel(modelConfig, featureConfig, { tf, seed: 1 });
    loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, newHead: true, featureConfig });
    const files = await saveTfjsModel(model, createModelMetadata({ featureConfig, modelConfig }), { tf });
    expect(files.modelJson).toContain('NoiseClassifierHardSwish');
    const { model: loaded, metadata } = await loadTfjsModel(files, { tf });
    expect(metadata.featureConfig.melScale).toBe('kaldi');
    const mel = readReference(`${referenceCases[0]!.name}.mel.f32`).subarray(0, 128 * 40);
    const [a, b] = tf.tidy(() => [model, loaded].map((m) => (m.predict(tf.tensor4d(mel, [1, 128, 40, 1])) as Tf.Tensor).dataSync() as Float32Array));
    expect(Math.max(...a!.map((v) => Math.abs(v)))).toBeGreaterThan(1e-3);
    expect(b).toEqual(a);
    model.dispose();
    loaded.dispose();
  });
});

describe('EfficientAT mn04 with the published AudioSet weights equals the reference implementation', () => {
  for (const c of referenceCases) {
    it(`${c.name}: embedding and logits within 1e-3 of the reference (relative to the largest reference value)`, () => {
      const model = buildEfficientAtMn(tf);
      loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS });
      const embedder = efficientAtEmbeddingModel(tf, model);
      const [bands, frames] = c.mel_shape;
      const mel = readReference(`${c.name}.mel.f32`);
      // The reference mel is [128, T] row-major: exactly NHWC [1, 128, T, 1].
      const { logits, embedding } = tf.tidy(() => {
        const x = tf.tensor4d(mel, [1, bands, frames, 1]);
        return {
          logits: (model.predict(x) as Tf.Tensor).dataSync() as Float32Array,
          embedding: (embedder.predict(x) as Tf.Tensor).dataSync() as Float32Array,
        };
      });
      const refLogits = readReference(`${c.name}.logits.f32`);
      const refEmbedding = readReference(`${c.name}.embedding.f32`);
      expect(embedding.length).toBe(c.embedding_dim);
      expect(logits.length).toBe(c.logits_dim);
      expect(relativeError(embedding, refEmbedding)).toBeLessThan(1e-3);
      expect(relativeError(logits, refLogits)).toBeLessThan(1e-3);
      // Not vacuous: the reference is far from zero and the top AudioSet class agrees.
      expect(Math.max(...refLogits.map(Math.abs))).toBeGreaterThan(1);
      expect(logits.indexOf(Math.max(...logits))).toBe(refLogits.indexOf(Math.max(...refLogits)));
      model.dispose();
    });
  }
});

describe('loadEfficientAtWeights refuses weights that do not fit, naming the file and the tensor', () => {
  it('a missing tensor', () => {
    const model = buildEfficientAtMn(tf);
    const before = weightValues(model, 'stem_conv');
    const file = edited({ 'features.4.block.2.conc_se_layers.0.fc1.bias': undefined });
    expect(() => loadEfficientAtWeights(tf, model, file, { source: MN04_WEIGHTS }))
      .toThrowError(mismatch(MN04_WEIGHTS, 'features.4.block.2.conc_se_layers.0.fc1.bias', 'missing'));
    // Nothing was written: the model keeps its initial weights.
    expect(weightValues(model, 'stem_conv')).toEqual(before);
    model.dispose();
  });

  it('an extra tensor (another architecture)', () => {
    const model = buildEfficientAtMn(tf);
    const file = edited({ 'features.17.0.weight': { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    expect(() => loadEfficientAtWeights(tf, model, file, { source: MN04_WEIGHTS }))
      .toThrowError(mismatch(MN04_WEIGHTS, 'features.17.0.weight', 'no place in this model'));
    model.dispose();
  });

  it('a mis-shaped tensor, another width, another class count', () => {
    const model = buildEfficientAtMn(tf);
    const file = edited({ 'features.16.1.running_var': { dtype: 'F32', shape: [383], data: new Float32Array(383) } });
    expect(() => loadEfficientAtWeights(tf, model, file, { source: MN04_WEIGHTS }))
      .toThrowError(mismatch(MN04_WEIGHTS, 'features.16.1.running_var', '[383]', '[384]'));
    model.dispose();
    const wider = buildEfficientAtMn(tf, { widthMultiplier: 0.5 });
    expect(() => loadEfficientAtWeights(tf, wider, weights, { source: MN04_WEIGHTS })).toThrowError(mismatch(MN04_WEIGHTS, 'has shape'));
    wider.dispose();
    const tenClasses = buildEfficientAtMn(tf, { numClasses: 10 });
    expect(() => loadEfficientAtWeights(tf, tenClasses, weights, { source: MN04_WEIGHTS }))
      .toThrowError(mismatch(MN04_WEIGHTS, 'classifier.5.weight', '[527,512]', '[10,512]'));
    tenClasses.dispose();
  });

  it('a model of another architecture', async () => {
    const cnn = await buildModel({ architecture: 'cnn_small', labels: ['a', 'b'], inputChannels: 1 }, { spectrogramHeight: 128, spectrogramWidth: 64 }, { tf });
    expect(() => loadEfficientAtWeights(tf, cnn, weights, { source: MN04_WEIGHTS })).toThrowError(mismatch(MN04_WEIGHTS, 'layer conv1', 'no EfficientAT counterpart'));
    cnn.dispose();
  });

  it('a model whose input is not the front end the weights expect (1 channel, 128 mel bands)', () => {
    const fewerBands = buildEfficientAtMn(tf, { inputShape: [64, null, 1] });
    expect(() => loadEfficientAtWeights(tf, fewerBands, weights, { source: MN04_WEIGHTS })).toThrowError(mismatch(MN04_WEIGHTS, '128 mel bands'));
    fewerBands.dispose();
    const threeChannels = buildEfficientAtMn(tf, { inputShape: [128, 100, 3] });
    expect(() => loadEfficientAtWeights(tf, threeChannels, weights, { source: MN04_WEIGHTS })).toThrowError(mismatch(MN04_WEIGHTS, '1-channel'));
    threeChannels.dispose();
  });

  it('a missing or truncated file (read through the platform reader)', async () => {
    const missing = '/nonexistent/efficientat/mn04_as.safetensors';
    await expect(readEfficientAtWeights(missing, (p) => readFile(p))).rejects.toThrowError(
      expect.objectContaining({ code: 'E_MODEL_NOT_FOUND', message: expect.stringContaining(missing) }),
    );
    const truncated = readEfficientAtWeights(MN04_WEIGHTS, async (p) => (await readFile(p)).subarray(0, 2_000_000));
    await expect(truncated).rejects.toThrowError(expect.objectContaining({
      code: 'E_MODEL_FORMAT',
      message: expect.stringMatching(/mn04_as\.safetensors: the file is truncated inside tensor features\.\d+\./),
    }));
    const file = await readEfficientAtWeights(MN04_WEIGHTS, (p) => readFile(p));
    expect(file.tensors.size).toBe(weights.tensors.size);
  });
});
