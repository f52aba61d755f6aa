import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIOSET_CLASSES, DEFAULT_AUDIO_FEATURE_CONFIG, EFFICIENTAT_MN04_FEATURE_CONFIG, createAudioFeatureConfig } from '@noise-classifier/config';
import {
  AUDIOSET_LABELS_PROVENANCE,
  EFFICIENTAT_EMBEDDING_LAYER,
  EFFICIENTAT_MN04_WEIGHTS_PROVENANCE,
  buildModel,
  checkEfficientAtFrontEnd,
  createModelMetadata,
  exportOnnx,
  loadEfficientAtWeights,
  readOnnxModelInfo,
  readSafetensors,
  type SafetensorsFile,
} from '../src/index';
import { modelProtoType } from '../src/onnx/onnx-schema';
import type { TfModule } from '../src/tfjs-loader';
import { MN04_WEIGHTS, readReference, referenceCases, relativeError } from './efficientat-helpers';
import { maxAbsDiff, runOrt, runTfjs } from './onnx-helpers';
import { tfWasm } from './tf-wasm';

let tf: TfModule;
let weights: SafetensorsFile;
const AUDIOSET_LABELS = AUDIOSET_CLASSES.map(([, name]) => name);

beforeAll(async () => {
  tf = await tfWasm();
  weights = readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS });
});

/** mn04 with the AudioSet head and the published weights, exported for windows of `frames` frames. */
async function exportMn04(frames: number) {
  const featureConfig = createAudioFeatureConfig({ ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: frames });
  const modelConfig = { architecture: 'efficientat_mn04', labels: AUDIOSET_LABELS, inputChannels: 1, dropout: 0.2 };
  const model = await buildModel(modelConfig, featureConfig, { tf });
  loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, featureConfig });
  const bytes = exportOnnx(model, createModelMetadata({ featureConfig, modelConfig }), {
    extraMetadata: { ...EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, ...AUDIOSET_LABELS_PROVENANCE },
    extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER],
  });
  return { model, bytes, featureConfig };
}

describe('EfficientAT mn04 ONNX export', () => {
  it('is self-describing: AudioSet labels, the EfficientAT front end, model config, weights provenance and licences', async () => {
    const { model, bytes } = await exportMn04(EFFICIENTAT_MN04_FEATURE_CONFIG.spectrogramWidth);
    const info = readOnnxModelInfo(bytes);
    expect(info.metadata.labels).toEqual(AUDIOSET_LABELS);
    expect(info.metadata.featureConfig).toEqual(EFFICIENTAT_MN04_FEATURE_CONFIG);
    expect(info.metadata.modelConfig.architecture).toBe('efficientat_mn04');
    expect(info.inputs[0]!.shape).toEqual(['batch', 1, 128, 500]);
    expect(info.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['logits', ['batch', 527]], ['probabilities', ['batch', 527]], ['embedding', ['batch', 384]],
    ]);
    expect(info.metadataProps).toMatchObject({
      weights_license: 'MIT',
      weights_copyright: 'Copyright (c) 2022 Florian Schmid',
      labels_license: 'CC BY 4.0',
    });
    expect(info.metadataProps.weights_source).toContain('fschmid56/EfficientAT');
    // Batch norms fold into the convolutions, the stride-2 zero padding into their pads: PyTorch's graph shape.
    const nodes = (modelProtoType().toObject(modelProtoType().decode(bytes)) as { graph: { node: { opType: string }[] } }).graph.node;
    const count = (op: string) => nodes.filter((n) => n.opType === op).length;
    expect(count('HardSwish')).toBe(1 + 2 * 9 + 1 + 1); // stem, expansion + depthwise of the 9 hard-swish blocks (7–15), head conv, classifier
    expect(count('Conv')).toBe(1 + 14 + 15 + 15 + 1 + 2 * 8); // stem, 14 expansions, 15 depthwise, 15 projections, head, 8 SE pairs
    expect(count('GlobalAveragePool')).toBe(8 + 1);
    expect(count('Sigmoid')).toBe(8);
    expect(count('Pad')).toBe(0);
    expect(count('BatchNormalization')).toBe(0);
    expect(info.parameterCount).toBeLessThan(983_599);
    model.dispose();
  });

  it('runs in onnxruntime-node with the reference logits and embedding (within 1e-3 relative) and tfjs (within 1e-4 absolute)', async () => {
    for (const frames of [...new Set(referenceCases.map((c) => c.mel_shape[1]))]) {
      const cases = referenceCases.filter((c) => c.mel_shape[1] === frames);
      const { model, bytes } = await exportMn04(frames);
      const shape = [cases.length, 1, 128, frames] as const;
      const input = new Float32Array(shape.reduce((a, b) => a * b, 1));
      cases.forEach((c, i) => input.set(readReference(`${c.name}.mel.f32`), i * 128 * frames));
      const ortOut = await runOrt(bytes, input, shape);
      const tfjs = runTfjs(tf, model, input, shape);
      expect(maxAbsDiff(ortOut.logits, tfjs)).toBeLessThan(1e-4);
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      const embeddings = (await session.run({ input: new ort.Tensor('float32', input, [...shape]) }, ['embedding'])).embedding!.data as Float32Array;
      await session.release();
      cases.forEach((c, i) => {
        const logits = ortOut.logits.subarray(i * 527, (i + 1) * 527);
        expect(relativeError(logits, readReference(`${c.name}.logits.f32`)), c.name).toBeLessThan(1e-3);
        expect(relativeError(embeddings.subarray(i * 384, (i + 1) * 384), readReference(`${c.name}.embedding.f32`)), c.name).toBeLessThan(1e-3);
      });
      model.dispose();
    }
  });

  it('refuses extra metadata that would overwrite its own keys and extra outputs it cannot provide', async () => {
    const { model } = await exportMn04(64);
    const metadata = createModelMetadata({ featureConfig: { ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: 64 }, modelConfig: { architecture: 'efficientat_mn04', labels: AUDIOSET_LABELS } });
    expect(() => exportOnnx(model, metadata, { extraMetadata: { labels: '["x"]' } })).toThrowError(expect.objectContaining({ code: 'E_CONFIG', field: 'extraMetadata.labels' }));
    // Extra outputs must be [batch, width] layer outputs other than our own names.
    for (const bad of ['stem_conv', 'no_such_layer', 'logits']) {
      expect(() => exportOnnx(model, metadata, { extraOutputs: [bad] })).toThrowError(expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringContaining(bad) }));
    }
    model.dispose();
  });
});

describe('checkEfficientAtFrontEnd', () => {
  it('accepts the preset at any window length and refuses any other front end, naming the field', async () => {
    expect(() => checkEfficientAtFrontEnd({ ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: 1001, enableAugmentation: false })).not.toThrow();
    expect(() => checkEfficientAtFrontEnd({ ...EFFICIENTAT_MN04_FEATURE_CONFIG, hopLength: 160 }, { source: 'mn04.safetensors' }))
      .toThrowError(expect.objectContaining({ code: 'E_MODEL_MISMATCH', field: 'featureConfig.hopLength', message: expect.stringMatching(/mn04\.safetensors.*hopLength.*expected 320; received 160/) }));
    expect(() => checkEfficientAtFrontEnd(DEFAULT_AUDIO_FEATURE_CONFIG)).toThrowError(expect.objectContaining({ code: 'E_MODEL_MISMATCH', field: 'featureConfig.sampleRate' }));
    // The loader checks it too, before writing anything.
    const model = await buildModel({ architecture: 'efficientat_mn04', labels: AUDIOSET_LABELS, inputChannels: 1 }, { ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: 32 }, { tf });
    expect(() => loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, featureConfig: { ...EFFICIENTAT_MN04_FEATURE_CONFIG, melScale: 'htk' } }))
      .toThrowError(expect.objectContaining({ code: 'E_MODEL_MISMATCH', field: 'featureConfig.melScale', message: expect.stringContaining(MN04_WEIGHTS) }));
    model.dispose();
  });
});
