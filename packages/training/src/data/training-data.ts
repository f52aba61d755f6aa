import { NoiseClassifierError, type AudioFeatureConfig } from '@noise-classifier/config';
import {
  NoiseDataset,
  SYNTHETIC_KINDS,
  generateSyntheticSet,
  type DatasetFileAccess,
  type DatasetSource,
  type FeatureCacheStore,
  type SpectrogramAugmentOptions,
} from '@noise-classifier/pipelines';

export interface TrainingDataOptions {
  readonly files: DatasetFileAccess;
  readonly cache: FeatureCacheStore;
  readonly featureConfig: AudioFeatureConfig;
}

/** Labelled synthetic kinds (mains hum is a test signal, not a class). */
const SYNTHETIC_LABELLED = SYNTHETIC_KINDS.filter((k) => k !== 'mains_hum');

/** Reads manifests (`.csv`) and class folders and merges them into one dataset (labels and folds kept). */
export async function loadTrainingData(locations: readonly string[], options: TrainingDataOptions): Promise<NoiseDataset> {
  if (locations.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'Training needs data', { field: 'data', expected: 'a manifest.csv (file,label[,fold]) or a folder with one sub-folder per class', received: 'nothing' });
  }
  const parts: NoiseDataset[] = [];
  for (const location of locations) {
    parts.push(location.toLowerCase().endsWith('.csv') ? await NoiseDataset.fromManifest(location, options) : await NoiseDataset.fromDirectory(location, options));
  }
  const [only] = parts;
  if (only && parts.length === 1) return only;
  return new NoiseDataset(parts.flatMap((p) => p.sources), parts.flatMap(labelNames), { ...options, folds: parts.flatMap((p) => p.folds) });
}

/** Adds `perKind` synthetic clips of every labelled synthetic kind; their folds go round-robin over the real folds. */
export function withSyntheticClips(data: NoiseDataset, perKind: number, seed: number, options: TrainingDataOptions): NoiseDataset {
  if (perKind <= 0) return data;
  const folds = [...new Set(data.folds.filter((f): f is number => f !== undefined))].sort((a, b) => a - b);
  const clips = generateSyntheticSet({ kinds: SYNTHETIC_LABELLED, clipsPerKind: perKind, seed, durationSeconds: 5, sampleRate: 48_000 });
  const sources: DatasetSource[] = clips.map((c, i) => ({ samples: c.samples, sampleRate: c.sampleRate, name: `synthetic:${c.kind}#${i}` }));
  return new NoiseDataset([...data.sources, ...sources], [...labelNames(data), ...clips.map((c) => c.label ?? c.kind)], {
    ...options,
    folds: [...data.folds, ...clips.map((_, i) => (folds.length ? folds[i % folds.length] : undefined))],
  });
}

/** Leaves the clips of `folds` out entirely (a test fold untouched while a recipe is chosen on the others). */
export function withoutFolds(data: NoiseDataset, folds: readonly number[], validationFold?: number): NoiseDataset {
  if (folds.length === 0) return data;
  const excluded = new Set(folds);
  if (validationFold !== undefined && excluded.has(validationFold)) {
    throw new NoiseClassifierError('E_CONFIG', 'The validation fold is excluded', { field: 'excludeFold', expected: `folds other than the validation fold ${validationFold}`, received: folds.join(', ') });
  }
  return data.subset(data.folds.flatMap((f, i) => (f !== undefined && excluded.has(f) ? [] : [i])));
}

export interface SplitOptions {
  readonly validationFold?: number;
  readonly validationShare?: number;
  readonly seed: number;
  /** Augmentation of the training part (validation never augments); false: none. */
  readonly augment: SpectrogramAugmentOptions | false;
}

/** Training and validation parts: by fold, by a stratified share, or everything for training. */
export function splitForTraining(data: NoiseDataset, options: SplitOptions): { readonly train: NoiseDataset; readonly validation: NoiseDataset | null } {
  if (options.validationFold !== undefined && options.validationShare !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', 'Use either --val-fold or --val-split, not both', { field: 'validationFold', expected: 'one validation option', received: 'both' });
  }
  const split = options.validationFold !== undefined
    ? data.splitByFold(options.validationFold)
    : options.validationShare !== undefined ? data.stratifiedSplit(options.validationShare, options.seed) : { train: data, val: null };
  return { train: split.train.subset(split.train.sources.map((_, i) => i), { augment: options.augment }), validation: split.val };
}

/** SpecAugment mask widths scaled to the window (the seed's 12 of 128 bins, 16 of 128 frames), plus optional EQ. */
export function augmentationFor(featureConfig: AudioFeatureConfig, eqDb?: number): SpectrogramAugmentOptions {
  return {
    freqMaskWidth: Math.max(1, Math.round((featureConfig.spectrogramHeight * 12) / 128)),
    timeMaskWidth: Math.max(1, Math.round((featureConfig.spectrogramWidth * 16) / 128)),
    ...(eqDb ? { eqDb } : {}),
  };
}

function labelNames(data: NoiseDataset): string[] {
  return data.labelIndices.map((l) => data.labels[l] ?? String(l));
}
