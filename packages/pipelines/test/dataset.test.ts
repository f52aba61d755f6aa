import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryCacheStore } from '../src/data/feature-cache';
import { NoiseDataset } from '../src/data/noise-dataset';
import { stageEsc10Clips } from './helpers/esc10-clips';
import { createDirectoryCacheStore, defaultModelPath, nodeDatasetFiles } from '../src/node/index';
import { generateSyntheticClip } from '../src/synthetic/synthetic-clips';

const CLIPS = stageEsc10Clips(); // real ESC-10 clips from ../shared/datasets, one folder per class

describe('NoiseDataset', () => {
  it('reads a manifest with extra columns and quoted paths, with folds', async () => {
    const ds = await NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), { files: nodeDatasetFiles });
    expect(ds.length).toBe(6);
    expect(ds.labels).toEqual(['rain_heavy', 'dog_barking']); // taxonomy order of the labels present
    expect(ds.classCounts()).toEqual([3, 3]);
    expect(ds.folds).toEqual([1, 2, 3, 1, 2, 3]);
    const { train, val } = ds.splitByFold(2);
    expect(val.length).toBe(2);
    expect(train.length).toBe(4);
    expect(val.folds.every((f) => f === 2)).toBe(true);
    expect(() => ds.splitByFold(7)).toThrow(/fold 7/);
  });

  it('reads one folder per class', async () => {
    const ds = await NoiseDataset.fromDirectory(CLIPS, { files: nodeDatasetFiles });
    expect(ds.length).toBe(6);
    expect(ds.labelName(0)).toBe('dog_barking');
    await expect(NoiseDataset.fromDirectory(join(CLIPS, 'nope'), { files: nodeDatasetFiles })).rejects.toMatchObject({ code: 'E_DATASET' });
    await expect(NoiseDataset.fromDirectory(CLIPS)).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING' });
  });

  it('decodes lazily and caches log-mel spectrograms by content + config (second run does not decode)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-cache-'));
    const first = await NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), { files: nodeDatasetFiles, cache: createDirectoryCacheStore(dir) });
    expect(first.stats).toEqual({ decoded: 0, cacheHits: 0, truncated: 0 });
    const item = await first.getItem(0);
    expect(item.labelName).toBe('dog_barking');
    expect(item.spectrogram.bins).toBe(128);
    // 5 s at 48 kHz, hop 512 → 1 + floor(240 048 / 512) ≈ 469 frames → windows of 128 with hop 64.
    expect(item.spectrogram.frames).toBeGreaterThan(460);
    expect(item.features.count).toBeGreaterThan(5);
    expect(item.features.height * item.features.width).toBe(128 * 128);
    const again = await first.getItem(0); // second epoch
    expect(first.stats).toEqual({ decoded: 1, cacheHits: 1, truncated: 0 });
    expect(again.spectrogram.data).toEqual(item.spectrogram.data);
    // A new dataset object (a second run) reads the cache from disk.
    const second = await NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), { files: nodeDatasetFiles, cache: createDirectoryCacheStore(dir) });
    await second.getSpectrogram(0);
    expect(second.stats).toEqual({ decoded: 0, cacheHits: 1, truncated: 0 });
    expect(readdirSync(dir)).toHaveLength(1);
    // Another feature config is another key.
    const other = await NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), {
      files: nodeDatasetFiles,
      cache: createDirectoryCacheStore(dir),
      featureConfig: { sampleRate: 32_000 },
    });
    await other.getSpectrogram(0);
    expect(other.stats.decoded).toBe(1);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('treats a corrupt cache entry as a miss and rewrites it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-cache-corrupt-'));
    const open = () => NoiseDataset.fromManifest(join(CLIPS, 'manifest.csv'), { files: nodeDatasetFiles, cache: createDirectoryCacheStore(dir) });
    const first = await open();
    const good = await first.getSpectrogram(3);
    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry!), new Uint8Array([1, 2, 3]));
    const second = await open();
    const again = await second.getSpectrogram(3);
    expect(second.stats).toMatchObject({ decoded: 1, cacheHits: 0 });
    expect(again.data).toEqual(good.data);
    const third = await open();
    await third.getSpectrogram(3);
    expect(third.stats).toMatchObject({ decoded: 0, cacheHits: 1 });
    expect(defaultModelPath).toMatch(/pipelines[\\/]models[\\/]default-model\.onnx$/);
  });

  it('takes in-memory samples and labels as indices or names; augments with one random window', async () => {
    const clips = [0, 1, 2, 3].map((seed) => generateSyntheticClip(seed < 2 ? 'white_noise' : 'brown_noise', { seed, durationSeconds: 3 }));
    const byName = new NoiseDataset(clips, clips.map((c) => c.label!), { augment: true, cache: createMemoryCacheStore(), seed: 1 });
    expect(byName.labels).toEqual(['white_noise', 'brown_noise']);
    const item = await byName.getItem(2);
    expect(item.label).toBe(1);
    expect(item.features.count).toBe(1);
    expect(item.spectrogram.frames).toBe(128);
    const again = await byName.getItem(2);
    expect(again.features.data).not.toEqual(item.features.data); // a different random crop / mask
    const byIndex = new NoiseDataset(clips, [0, 0, 2, 2]);
    expect(byIndex.labelName(2)).toBe('brown_noise'); // index 2 of the taxonomy
    const custom = new NoiseDataset(clips, [0, 0, 1, 1], { labels: ['a', 'b'] });
    expect(custom.labelName(3)).toBe('b');
    // maxDurationSeconds cuts long clips and counts it.
    const short = new NoiseDataset(clips.slice(0, 1), [0], { labels: ['a'], maxDurationSeconds: 2 });
    const spec = await short.getSpectrogram(0);
    expect(spec.frames).toBe(1 + Math.floor((2 * 48_000) / 512));
    expect(short.stats.truncated).toBe(1);
  });

  it('splits stratified and repeatably', () => {
    const sources = Array.from({ length: 20 }, (_, i) => ({ samples: new Float32Array(10), sampleRate: 48_000, name: `c${i}` }));
    const labels = sources.map((_, i) => (i < 12 ? 'dog_barking' : 'rain_heavy'));
    const ds = new NoiseDataset(sources, labels);
    const a = ds.stratifiedSplit(0.25, 3);
    const b = ds.stratifiedSplit(0.25, 3);
    expect(a.val.sources).toEqual(b.val.sources);
    expect(a.val.classCounts()).toEqual([2, 3]); // taxonomy order: rain_heavy (8 → 2), dog_barking (12 → 3)
    expect(a.train.length + a.val.length).toBe(20);
    expect(new Set([...a.train.sources, ...a.val.sources]).size).toBe(20);
    expect(ds.stratifiedSplit(0.25, 4).val.sources).not.toEqual(a.val.sources);
  });

  it('rejects bad construction with clear errors', async () => {
    expect(() => new NoiseDataset(['a.wav'], [])).toThrow(/one label per source/);
    expect(() => new NoiseDataset(['a.wav'], ['no_such_label'], { labels: ['x'] })).toThrow(/no_such_label/);
    expect(() => new NoiseDataset(['a.wav'], [99])).toThrow(/labels\[0\]/);
    expect(() => new NoiseDataset(['a.wav', 'b.wav'], [0, 'x'])).toThrow(/all indices or all names/);
    expect(() => new NoiseDataset([42 as never], [0])).toThrow(/files\[0\]/);
    const ds = new NoiseDataset([join(CLIPS, 'missing.ogg')], ['dog_barking'], { files: nodeDatasetFiles });
    await expect(ds.getItem(0)).rejects.toMatchObject({ code: 'E_DATASET' });
    await expect(ds.getItem(3)).rejects.toThrow(/index/);
  });
});
