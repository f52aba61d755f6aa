import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NoiseClassifierError, createAudioFeatureConfig } from '@noise-classifier/config';
import { loadTf, readOnnxModelInfo } from '@noise-classifier/models';
import { nodeRuntime, onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { NoiseDataset, NoiseClassifierService } from '@noise-classifier/pipelines';
import { selectTrainingBackend } from '../src/training-backend';
import { EFFICIENTAT_MN04, loadPretrainedBackbone } from '../src/pretrained/pretrained-backbone';
import { resolvePretrainedLocation } from '../src/pretrained/pretrained-location';
import { featureUnitsPerDb, trainPretrained } from '../src/pretrained/train-pretrained';
import { embedWindows } from '../src/pretrained/window-embeddings';
import { datasetSource } from '../src/window-source';
import { serviceTrainer } from '../src/recipe/service-trainer';
import { untrainedOnnx } from './helpers/untrained-model';
import { sharedDatasetPath, sharedPretrainedPath } from '../../../tooling/shared-data';

const MN04_FOLDER = dirname(sharedPretrainedPath('efficientat-mn04-as/mn04_as.safetensors'));
const readBytes = async (location: string) => new Uint8Array(await readFile(location));
const isDirectory = async (location: string) => (await stat(location).catch(() => null))?.isDirectory() === true;
// One-second windows keep the few-shot test cheap on two cores (the bundled model uses 5 s).
const WINDOW_FRAMES = 100;

async function rejection(pending: Promise<unknown>): Promise<NoiseClassifierError> {
  try {
    await pending;
  } catch (error) {
    expect(error).toBeInstanceOf(NoiseClassifierError);
    return error as NoiseClassifierError;
  }
  throw new Error('expected a rejection');
}

/** A few ESC-10 clips per label (folds 2–4 to train, fold 1 to test), read from ../shared/datasets. */
function clips(label: string, folder: string, ids: readonly string[]): { path: string; label: string }[] {
  return ids.map((id) => ({ path: sharedDatasetPath(`esc10/audio/${folder}/${id}.ogg`), label }));
}
const FEW_SHOT_TRAIN = [
  ...clips('dog_barking', 'dog_bark', ['2-114280-A', '3-136288-A', '4-182395-A']),
  ...clips('rain_heavy', 'rain', ['2-101676-A', '3-142005-A', '4-160999-A']),
];

describe('resolvePretrainedLocation (train --pretrained <dir|name>)', () => {
  it('finds a name under --pretrained-root, then $NOISE_CLASSIFIER_PRETRAINED, then ../shared/pretrained beside cwd', async () => {
    const root = dirname(MN04_FOLDER);
    const empty = mkdtempSync(join(tmpdir(), 'nc-pretrained-empty-'));
    expect((await resolvePretrainedLocation('efficientat_mn04', { isDirectory, root })).folder).toBe(MN04_FOLDER);
    expect((await resolvePretrainedLocation('efficientat_mn04', { isDirectory, root: empty, envRoot: root })).folder).toBe(MN04_FOLDER);
    // <cwd>/../shared/pretrained: the repository root's parent holds shared/.
    const repoRoot = join(root, '..', '..', 'main-like');
    const viaCwd = await resolvePretrainedLocation('efficientat_mn04', { isDirectory, root: empty, cwd: repoRoot });
    expect(viaCwd.folder).toBe(MN04_FOLDER);
    expect(viaCwd.spec).toBe(EFFICIENTAT_MN04);
    // A folder is taken as it is.
    expect((await resolvePretrainedLocation(MN04_FOLDER, { isDirectory })).folder).toBe(MN04_FOLDER);
  });

  it('a name found nowhere or a missing folder is E_MODEL_NOT_FOUND saying where it looked (nothing is downloaded)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nc-pretrained-empty-'));
    const byName = await rejection(resolvePretrainedLocation('efficientat_mn04', { isDirectory, root: empty }));
    expect(byName.code).toBe('E_MODEL_NOT_FOUND');
    expect(byName.message).toContain('efficientat-mn04-as');
    expect(byName.received).toContain(empty);
    const byFolder = await rejection(resolvePretrainedLocation(join(empty, 'no-such-folder'), { isDirectory }));
    expect(byFolder.code).toBe('E_MODEL_NOT_FOUND');
    expect(byFolder.message).toContain('no-such-folder');
  });
});

describe('loadPretrainedBackbone: bad weights are typed errors naming the file (and tensor)', () => {
  let tf: Awaited<ReturnType<typeof loadTf>>;
  beforeAll(async () => {
    tf = await loadTf();
    await selectTrainingBackend(tf, 'wasm');
  });

  it('a folder without the weights file: E_MODEL_NOT_FOUND naming mn04_as.safetensors', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nc-pretrained-nofile-'));
    const error = await rejection(loadPretrainedBackbone(empty, { tf, readFile: readBytes }));
    expect(error.code).toBe('E_MODEL_NOT_FOUND');
    expect(error.message).toContain(join(empty, 'mn04_as.safetensors'));
  });

  it('a truncated weights file: E_MODEL_FORMAT naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-pretrained-cut-'));
    const bytes = readFileSync(join(MN04_FOLDER, 'mn04_as.safetensors'));
    writeFileSync(join(dir, 'mn04_as.safetensors'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await rejection(loadPretrainedBackbone(dir, { tf, readFile: readBytes }));
    expect(error.code).toBe('E_MODEL_FORMAT');
    expect(error.message).toContain(join(dir, 'mn04_as.safetensors'));
  });

  it('weights of another network: E_MODEL_MISMATCH naming the file and the tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-pretrained-other-'));
    // A valid safetensors file whose first conv has another shape (a network of another width).
    const header = JSON.stringify({ 'features.0.0.weight': { dtype: 'F32', shape: [8, 1, 3, 3], data_offsets: [0, 288] } });
    const headerBytes = new TextEncoder().encode(header);
    const file = new Uint8Array(8 + headerBytes.length + 288);
    new DataView(file.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
    file.set(headerBytes, 8);
    writeFileSync(join(dir, 'mn04_as.safetensors'), file);
    const error = await rejection(loadPretrainedBackbone(dir, { tf, readFile: readBytes }));
    expect(error.code).toBe('E_MODEL_MISMATCH');
    expect(error.message).toContain(join(dir, 'mn04_as.safetensors'));
    expect(`${error.message} ${error.field}`).toMatch(/features\.0\.0\.weight|features\./);
  });

  it('data computed with another front end than the weights expect: E_MODEL_MISMATCH naming the field', async () => {
    const backbone = await loadPretrainedBackbone(MN04_FOLDER, { tf, readFile: readBytes, windowFrames: WINDOW_FRAMES });
    const files = nodeRuntime;
    const wrong = createAudioFeatureConfig({}); // the project's 48 kHz HTK default
    const data = new NoiseDataset(FEW_SHOT_TRAIN.map((c) => c.path), FEW_SHOT_TRAIN.map((c) => c.label), { files, featureConfig: wrong });
    const error = await rejection(trainPretrained(data, null, { numEpochs: 1 }, { tf, backbone }));
    expect(error.code).toBe('E_MODEL_MISMATCH');
    expect(error.field).toMatch(/^featureConfig\./);
    backbone.model.dispose();
  });
});

describe('featureUnitsPerDb (augmentation amounts are dB; the mn04 front end is a normalised natural log)', () => {
  it('is 1 for the dB front end and ln(10)/10/5 for the EfficientAT preset, so ±6 dB of gain is ±0.28, not ±6', () => {
    expect(featureUnitsPerDb(createAudioFeatureConfig({}))).toBe(1);
    expect(featureUnitsPerDb(EFFICIENTAT_MN04.featureConfig)).toBeCloseTo(Math.LN10 / 50, 12);
    expect(6 * featureUnitsPerDb(EFFICIENTAT_MN04.featureConfig)).toBeLessThan(0.3);
  });
});

describe('embedWindows', () => {
  it('onnxruntime-node gives the tfjs embeddings (and AudioSet scores) of the same windows', async () => {
    const tf = await loadTf();
    await selectTrainingBackend(tf, 'wasm');
    const backbone = await loadPretrainedBackbone(MN04_FOLDER, { tf, readFile: readBytes, windowFrames: WINDOW_FRAMES });
    const data = new NoiseDataset(FEW_SHOT_TRAIN.slice(0, 2).map((c) => c.path), FEW_SHOT_TRAIN.slice(0, 2).map((c) => c.label), { files: nodeRuntime, featureConfig: backbone.featureConfig });
    const source = datasetSource(data);
    const viaTfjs = await embedWindows(tf, backbone, source, { input: 'embedding+audioset' });
    const viaOrt = await embedWindows(tf, backbone, source, { input: 'embedding+audioset', backend: onnxRuntimeNodeBackend });
    expect(viaOrt.items).toEqual(viaTfjs.items);
    expect(viaTfjs.vectors[0]).toHaveLength(384 + 527);
    // 5-s clips in 1-s windows with a hop of one window: 5 or 6 windows each.
    expect(viaTfjs.size).toBeGreaterThanOrEqual(10);
    viaTfjs.vectors.forEach((v, k) => {
      const o = viaOrt.vectors[k]!;
      let diff = 0;
      let norm = 0;
      v.forEach((x, j) => {
        diff = Math.max(diff, Math.abs(x - o[j]!));
        norm = Math.max(norm, Math.abs(x));
      });
      expect(diff / norm).toBeLessThan(1e-4);
    });
    backbone.model.dispose();
  }, 120_000);
});

describe('trainPretrained fine-tuning stage', () => {
  it('trains the backbone after the head; freezeBatchNorm keeps every batch norm as pretrained', async () => {
    const tf = await loadTf();
    await selectTrainingBackend(tf, 'wasm');
    const backbone = await loadPretrainedBackbone(MN04_FOLDER, { tf, readFile: readBytes, windowFrames: WINDOW_FRAMES });
    const clipsUsed = FEW_SHOT_TRAIN.slice(0, 2).concat(FEW_SHOT_TRAIN.slice(3, 5));
    const data = new NoiseDataset(clipsUsed.map((c) => c.path), clipsUsed.map((c) => c.label), { files: nodeRuntime, featureConfig: backbone.featureConfig, augment: true });
    const weight = (layer: string, k: number) => (backbone.model.getLayer(layer).getWeights()[k]!.dataSync() as Float32Array).slice();
    const bnGamma = weight('block15_project_bn', 0);
    const bnMean = weight('block15_project_bn', 2);
    const conv = weight('block15_project_conv', 0);
    const outcome = await trainPretrained(data, null, { numEpochs: 3, batchSize: 4, learningRate: 1e-2, earlyStoppingPatience: 0, device: 'wasm', seed: 1, mixupAlpha: 0 }, {
      tf, backbone, headFit: 'minibatch', fineTune: { epochs: 1, learningRate: 1e-3, freezeBatchNorm: true },
    });
    expect(outcome.fineTuning?.history.trainLoss).toHaveLength(1);
    expect(weight('block15_project_bn', 0)).toEqual(bnGamma);
    expect(weight('block15_project_bn', 2)).toEqual(bnMean);
    expect(weight('block15_project_conv', 0)).not.toEqual(conv);
    // The backbone is frozen again afterwards (a later head-only run must not train it).
    expect(backbone.model.trainableWeights).toHaveLength(0);
    backbone.model.dispose();
  }, 240_000);
});

describe('few-shot transfer learning on a frozen mn04 (Node; the same code runs in browsers)', () => {
  it('three real clips per label train a head in seconds; the service classifies held-out clips with it and exports a self-describing ONNX', async () => {
    const tf = await loadTf();
    await selectTrainingBackend(tf, 'wasm');
    const backbone = await loadPretrainedBackbone(MN04_FOLDER, { tf, readFile: readBytes, windowFrames: WINDOW_FRAMES });
    const files = nodeRuntime;
    const train = new NoiseDataset(FEW_SHOT_TRAIN.map((c) => c.path), FEW_SHOT_TRAIN.map((c) => c.label), { files, featureConfig: backbone.featureConfig });
    const service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime, trainer: serviceTrainer });
    const started = Date.now();
    const history = await service.trainPretrained(train, null, { numEpochs: 30, batchSize: 8, learningRate: 1e-2, earlyStoppingPatience: 0, device: 'wasm', seed: 1, mixupAlpha: 0 }, { tf, backbone, headInput: 'embedding+audioset' });
    const seconds = (Date.now() - started) / 1000;
    // The default head: a logistic regression fitted in one go (no epochs), close to zero loss on 6 separable clips.
    expect(history.trainLoss).toHaveLength(1);
    expect(history.trainLoss[0]!).toBeLessThan(0.3);
    expect(history.trainAcc[0]).toBe(1);
    expect(seconds).toBeLessThan(120); // embeddings once, then a dense layer: seconds, not minutes
    expect([...service.labels].sort()).toEqual(['dog_barking', 'rain_heavy']);
    expect(service.featureConfig.sampleRate).toBe(32_000);
    expect(service.featureConfig.melScale).toBe('kaldi');
    // Held-out fold-1 clips, never seen in training.
    const dog = await service.classify(new Uint8Array(readFileSync(sharedDatasetPath('esc10/audio/dog_bark/1-100032-A.ogg'))));
    expect(dog.predictedClass).toBe('dog_barking');
    const rain = await service.classify(new Uint8Array(readFileSync(sharedDatasetPath('esc10/audio/rain/1-17367-A.ogg'))));
    expect(rain.predictedClass).toBe('rain_heavy');
    // The exported model carries its front end, labels, the weights' provenance and the AudioSet logits.
    const dir = mkdtempSync(join(tmpdir(), 'nc-pretrained-export-'));
    mkdirSync(dir, { recursive: true });
    await service.export(join(dir, 'model.onnx'), 'onnx');
    const info = readOnnxModelInfo(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
    expect(info.metadata.labels).toEqual(service.labels);
    expect(info.metadata.featureConfig.melScale).toBe('kaldi');
    expect(info.metadataProps.weights_license).toBe('MIT');
    expect(info.metadataProps.weights_copyright).toContain('Florian Schmid');
    expect(info.outputs.map((o) => o.name)).toContain('audioset_logits');
    const reloaded = await NoiseClassifierService.create({ modelPath: join(dir, 'model.onnx'), runtime: nodeRuntime });
    const again = await reloaded.classify(new Uint8Array(readFileSync(sharedDatasetPath('esc10/audio/dog_bark/1-100032-A.ogg'))));
    expect(again.probabilities.dog_barking).toBeCloseTo(dog.probabilities.dog_barking!, 4);
    await Promise.all([service.dispose(), reloaded.dispose()]);
  }, 300_000);
});
