/**
 * Research helper (issue 10, partial fine-tuning probe): the frozen mn04 up to block `--from` − 1 runs once over every
 * real clip's 5-s window (as the product builds it: short clips padded with their minimum), and the block's input
 * activations (NHWC float32) are written with the weights of every later layer, so `partial_finetune.py` can train
 * blocks ≥ `--from` and a new head in PyTorch on them.
 *
 *   node --conditions=@noise-classifier/source --import tsx research/recipe-search/dump-block-features.ts <out> <manifest>... [--from 12]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import { NoiseDataset } from '@noise-classifier/pipelines';
import { nodeDatasetFiles } from '@noise-classifier/pipelines/node';
import { loadPretrainedFromDisk } from '@noise-classifier/training/node';
import { selectTrainingBackend } from '@noise-classifier/training';
import { loadTf } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';

const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from = fromIndex >= 0 ? Number(args[fromIndex + 1]) : 12;
const positional = fromIndex >= 0 ? args.filter((_, i) => i !== fromIndex && i !== fromIndex + 1) : args;
const [outArg, ...manifests] = positional;
if (!outArg || manifests.length === 0) throw new Error('usage: dump-block-features.ts <out> <manifest>... [--from 12]');
const outDir = resolve(outArg);
const featureConfig = EFFICIENTAT_MN04_FEATURE_CONFIG;
const W = featureConfig.spectrogramWidth;
const backbone = await loadPretrainedFromDisk('efficientat_mn04', { windowFrames: W });
const tf = await loadTf();
await selectTrainingBackend(tf, 'wasm');
const cut = backbone.model.getLayer(`block${from - 1}_${from - 1 === 11 ? 'project_bn' : 'add'}`);
const trunk = tf.model({ inputs: backbone.model.inputs, outputs: cut.output as tfType.SymbolicTensor });

const feats: Float32Array[] = [];
const index: object[] = [];
let shape: number[] = [];
for (const manifest of manifests) {
  const ds = await NoiseDataset.fromManifest(resolve(manifest), { files: nodeDatasetFiles, featureConfig });
  for (let i = 0; i < ds.length; i++) {
    const spec = await ds.getSpectrogram(i);
    const window = new Float32Array(spec.bins * W);
    let min = Infinity;
    for (const v of spec.data) min = Math.min(min, v);
    window.fill(min);
    for (let b = 0; b < spec.bins; b++) window.set(spec.data.subarray(b * spec.frames, b * spec.frames + Math.min(spec.frames, W)), b * W);
    const out = tf.tidy(() => trunk.predict(tf.tensor4d(window, [1, spec.bins, W, 1])) as tfType.Tensor);
    shape = out.shape.slice(1);
    feats.push((await out.data()) as Float32Array);
    out.dispose();
    const src = ds.sources[i] as string;
    index.push({ name: src.replace(/^.*datasets\//, ''), label: ds.labels[ds.labelIndices[i]!], fold: ds.folds[i], frames: spec.frames });
    if (index.length % 50 === 0) console.error(index.length);
  }
}
await mkdir(outDir, { recursive: true });
const blob = new Float32Array(feats.length * feats[0]!.length);
feats.forEach((f, k) => blob.set(f, k * f.length));
await writeFile(join(outDir, 'features.f32'), new Uint8Array(blob.buffer));
// Weights of every layer after the cut, by layer and weight name (tfjs layouts: conv HWIO, depthwise HWC1).
const weights: Record<string, { shape: number[]; offset: number }> = {};
const parts: Float32Array[] = [];
let offset = 0;
let after = false;
for (const layer of backbone.model.layers) {
  if (after) {
    for (const w of layer.weights) {
      const data = w.read().dataSync() as Float32Array;
      weights[`${layer.name}/${w.originalName.split('/').pop()}`] = { shape: w.shape as number[], offset };
      parts.push(data.slice());
      offset += data.length;
    }
  }
  if (layer === cut) after = true;
}
const wblob = new Float32Array(offset);
let o = 0;
for (const p of parts) {
  wblob.set(p, o);
  o += p.length;
}
await writeFile(join(outDir, 'weights.f32'), new Uint8Array(wblob.buffer));
await writeFile(join(outDir, 'index.json'), JSON.stringify({ from, shape, weights, items: index }));
console.error('wrote', index.length, 'clips of', JSON.stringify(shape));
