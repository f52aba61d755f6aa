/**
 * Research helper: computes the log-mel spectrogram of every training clip exactly as `noise-classifier train`
 * does (same datasets, same synthetic clips, same feature config) and writes them to one float32 file plus a JSON
 * index, so a PyTorch replica of our trainer (recipe_search.py) works on bit-identical inputs.
 *
 *   node --conditions=@noise-classifier/source --import tsx research/recipe-search/dump-features.ts \
 *     <out-dir> [--n-mels 64] [--hop-length 1024] [--synthetic 30] [--seed 42]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createAudioFeatureConfig } from '@noise-classifier/config';
import { NoiseDataset, SYNTHETIC_KINDS, generateSyntheticSet, type DatasetSource } from '@noise-classifier/pipelines';
import { createDirectoryCacheStore, nodeDatasetFiles } from '@noise-classifier/pipelines/node';

const args = process.argv.slice(2);
const outDir = resolve(args[0] ?? '/tmp/nc-research/features');
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const nMels = opt('n-mels', 64);
const hopLength = opt('hop-length', 1024);
const synthetic = opt('synthetic', 30);
const seed = opt('seed', 42);
const datasets = resolve(import.meta.dirname, '../../../shared/datasets');

const featureConfig = createAudioFeatureConfig({ nMels, spectrogramHeight: nMels, nMfcc: Math.min(40, nMels), hopLength, spectrogramWidth: 64 });
const cache = createDirectoryCacheStore(join(outDir, 'cache'));
const options = { files: nodeDatasetFiles, cache, featureConfig };
const parts = [
  await NoiseDataset.fromManifest(join(datasets, 'esc10/manifest.csv'), options),
  await NoiseDataset.fromManifest(join(datasets, 'urbansound8k_22k/manifest.csv'), options),
];
let all = new NoiseDataset(parts.flatMap((p) => p.sources), parts.flatMap((p) => p.labelIndices.map((l) => p.labels[l]!)), { ...options, folds: parts.flatMap((p) => p.folds) });
// Synthetic clips exactly as the CLI makes them (folds round-robin over the real folds).
const folds = [...new Set(all.folds.filter((f): f is number => f !== undefined))].sort((a, b) => a - b);
const kinds = SYNTHETIC_KINDS.filter((k) => k !== 'mains_hum');
const clips = generateSyntheticSet({ kinds, clipsPerKind: synthetic, seed, durationSeconds: 5, sampleRate: 48_000 });
const sources: DatasetSource[] = clips.map((c, i) => ({ samples: c.samples, sampleRate: c.sampleRate, name: `synthetic:${c.kind}#${i}` }));
all = new NoiseDataset([...all.sources, ...sources], [...all.labelIndices.map((l) => all.labels[l]!), ...clips.map((c) => c.label!)],
  { ...options, folds: [...all.folds, ...clips.map((_, i) => folds[i % folds.length])] });

const specs = [];
const index = [];
let offset = 0;
for (let i = 0; i < all.length; i++) {
  const spec = await all.getSpectrogram(i);
  specs.push(spec.data);
  const src = all.sources[i]!;
  const name = typeof src === 'string' ? src.replace(/^.*shared\/datasets\//, '') : (src as { name?: string }).name ?? `item${i}`;
  index.push({ name, label: all.labels[all.labelIndices[i]!], fold: all.folds[i], bins: spec.bins, frames: spec.frames, offset });
  offset += spec.data.length;
}
const blob = new Float32Array(offset);
let o = 0;
for (const s of specs) {
  blob.set(s, o);
  o += s.length;
}
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'spectrograms.f32'), new Uint8Array(blob.buffer));
await writeFile(join(outDir, 'index.json'), JSON.stringify({ labels: all.labels, featureConfig, items: index }, null, 1));
console.log(`${all.length} clips, ${offset} floats → ${outDir}`);
