import {
  NOISE_LABELS,
  NoiseClassifierError,
  createAudioFeatureConfig,
  describeValue,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
} from '@noise-classifier/config';
import type { ModelInputBatch, Spectrogram } from '@noise-classifier/features';
import type { FrontEnd } from '../core/front-end';
import { createFrontEnd } from '../core/create-front-end';
import type { Random } from '@noise-classifier/features';
import { createPrng, shuffled } from '../synthetic/prng';
import { augmentSpectrogram, cropWindow, type SpectrogramAugmentOptions } from './augment';
import { decodeSpectrogram, encodeSpectrogram, featureConfigHash, sha256Hex, type FeatureCacheStore } from './feature-cache';
import { parseManifest } from './manifest';
import { joinLocation } from './paths';

/** In-memory audio (a synthetic clip, a microphone capture). */
export interface SampleSource {
  readonly samples: Float32Array | readonly number[];
  readonly sampleRate: number;
  /** Shown in errors and reports. */
  readonly name?: string;
}

/** A file location (read through `files`), the bytes of an encoded file, or samples. */
export type DatasetSource = string | Uint8Array | SampleSource;

/** File access the dataset needs; `@noise-classifier/pipelines/node` provides one for Node. */
export interface DatasetFileAccess {
  readFile(location: string): Promise<Uint8Array>;
  /** Entries of a folder (names only); needed by `fromDirectory`. */
  listDirectory?(location: string): Promise<{ name: string; isDirectory: boolean }[]>;
}

export interface NoiseDatasetOptions {
  /** Augment in `getItem` (random window, SpecAugment masks, gain); true uses defaults. */
  augment?: boolean | SpectrogramAugmentOptions;
  /** Class list; label indices refer to it. Default: the taxonomy for indices, the labels present for names. */
  labels?: readonly string[];
  featureConfig?: AudioFeatureConfig | AudioFeatureConfigInput;
  /** 1 = log-mel, 3 = log-mel + deltas (the model's `inputChannels`). */
  inputChannels?: 1 | 3;
  /** Fold of each item (for `splitByFold`). */
  folds?: readonly (number | undefined)[];
  files?: DatasetFileAccess;
  /** Keeps log-mel spectrograms keyed by content hash + feature config; omit for no cache. */
  cache?: FeatureCacheStore;
  /** Longer clips are cut to this many seconds (counted in `stats.truncated`, never silently). */
  maxDurationSeconds?: number | null;
  /** Hop between evaluation windows, in frames (default half a window). */
  hopFrames?: number;
  /** Seed of the augmentation generator. */
  seed?: number;
}

export interface DatasetItem {
  /** Model input: every window of the clip, or one random window when augmenting. */
  readonly features: ModelInputBatch;
  /** The clip's full log-mel spectrogram (after augmentation when augmenting). */
  readonly spectrogram: Spectrogram;
  /** Index into `labels`. */
  readonly label: number;
  readonly labelName: string;
  readonly index: number;
  readonly source: string;
}

export interface DatasetSplit {
  readonly train: NoiseDataset;
  readonly val: NoiseDataset;
}

interface Shared {
  readonly config: AudioFeatureConfig;
  readonly inputChannels: 1 | 3;
  readonly files?: DatasetFileAccess;
  readonly cache?: FeatureCacheStore;
  readonly maxDurationSeconds: number | null;
  readonly hopFrames: number;
  frontEnd?: Promise<FrontEnd>;
  configHash?: Promise<string>;
  /** Content key per source, so later epochs skip even reading the file when the cache holds it. */
  readonly keys: Map<DatasetSource, string>;
  stats: { decoded: number; cacheHits: number; truncated: number };
}

/**
 * Labelled audio for training and evaluation, as in the seed: `new NoiseDataset(files, labels, { augment })`.
 * Lazy: nothing is read or decoded until `getItem`/`getSpectrogram`; decoded log-mel spectrograms go to the
 * injected cache keyed by file content and feature config, so a second epoch or run does not decode again.
 */
export class NoiseDataset {
  readonly sources: readonly DatasetSource[];
  /** Class list; `labelIndices` point into it. */
  readonly labels: readonly string[];
  readonly labelIndices: readonly number[];
  readonly folds: readonly (number | undefined)[];
  readonly augment: SpectrogramAugmentOptions | null;
  private readonly shared: Shared;
  private readonly prng: Random;

  constructor(sources: readonly DatasetSource[], labels: readonly (number | string)[], options: NoiseDatasetOptions = {}) {
    if (!Array.isArray(sources)) {
      throw new NoiseClassifierError('E_DATASET', 'NoiseDataset needs an array of sources', {
        field: 'files',
        expected: 'an array of file paths, encoded bytes or { samples, sampleRate }',
        received: describeValue(sources),
      });
    }
    if (!Array.isArray(labels) || labels.length !== sources.length) {
      throw new NoiseClassifierError('E_DATASET', 'NoiseDataset needs one label per source', {
        field: 'labels',
        expected: `an array of ${sources.length} labels (indices or names)`,
        received: describeValue(labels),
      });
    }
    sources.forEach((s, i) => checkSource(s, i));
    this.sources = [...sources];
    const { labelList, indices } = resolveLabels(labels, options.labels);
    this.labels = labelList;
    this.labelIndices = indices;
    if (options.folds !== undefined && options.folds.length !== sources.length) {
      throw new NoiseClassifierError('E_DATASET', 'NoiseDataset needs one fold per source', {
        field: 'folds',
        expected: `${sources.length} folds`,
        received: `${options.folds.length}`,
      });
    }
    this.folds = options.folds ? [...options.folds] : new Array(sources.length).fill(undefined);
    this.augment = options.augment === true ? {} : options.augment ? { ...options.augment } : null;
    const config = createAudioFeatureConfig(options.featureConfig ?? {});
    this.shared = {
      config,
      inputChannels: options.inputChannels ?? 1,
      files: options.files,
      cache: options.cache,
      maxDurationSeconds: options.maxDurationSeconds ?? null,
      hopFrames: options.hopFrames ?? Math.max(1, Math.floor(config.spectrogramWidth / 2)),
      keys: new Map(),
      stats: { decoded: 0, cacheHits: 0, truncated: 0 },
    };
    this.prng = createPrng(options.seed ?? 0);
  }

  /**
   * Reads a manifest CSV (`file,label[,fold]`, extra columns allowed, paths relative to the CSV).
   * `options.files` must read files (the Node entry's `nodeDatasetFiles` does).
   */
  static async fromManifest(manifestLocation: string, options: NoiseDatasetOptions = {}): Promise<NoiseDataset> {
    const files = requireFiles(options, 'fromManifest');
    const text = new TextDecoder().decode(await files.readFile(manifestLocation));
    const entries = parseManifest(text, manifestLocation);
    if (entries.length === 0) {
      throw new NoiseClassifierError('E_DATASET', `Manifest ${manifestLocation} lists no clips`, {
        field: 'manifest',
        expected: 'at least one row after the header',
        received: 'a header only',
      });
    }
    return new NoiseDataset(
      entries.map((e) => e.file),
      entries.map((e) => e.label),
      { ...options, folds: entries.map((e) => e.fold) },
    );
  }

  /** One sub-folder per class (the folder name is the label); audio files (.wav .ogg .flac .mp3) inside. */
  static async fromDirectory(root: string, options: NoiseDatasetOptions = {}): Promise<NoiseDataset> {
    const files = requireFiles(options, 'fromDirectory');
    if (!files.listDirectory) {
      throw new NoiseClassifierError('E_RUNTIME_MISSING', 'fromDirectory needs a file access that can list folders', {
        field: 'files.listDirectory',
        expected: "a listDirectory function (use nodeDatasetFiles from '@noise-classifier/pipelines/node')",
        received: 'none',
      });
    }
    const sources: string[] = [];
    const labels: string[] = [];
    const classes = (await files.listDirectory(root)).filter((e) => e.isDirectory).map((e) => e.name).sort();
    for (const label of classes) {
      const folder = joinLocation(root, label);
      const clips = (await files.listDirectory(folder))
        .filter((e) => !e.isDirectory && AUDIO_EXTENSION.test(e.name))
        .map((e) => e.name)
        .sort();
      for (const clip of clips) {
        sources.push(joinLocation(folder, clip));
        labels.push(label);
      }
    }
    if (sources.length === 0) {
      throw new NoiseClassifierError('E_DATASET', `No audio found under ${root}`, {
        field: 'root',
        expected: 'one sub-folder per class holding .wav/.ogg/.flac/.mp3 files',
        received: classes.length === 0 ? 'no sub-folders' : `sub-folders ${classes.join(', ')} without audio files`,
      });
    }
    return new NoiseDataset(sources, labels, options);
  }

  get length(): number {
    return this.sources.length;
  }

  get featureConfig(): AudioFeatureConfig {
    return this.shared.config;
  }

  /** How many clips were decoded, came from the cache, or were cut to maxDurationSeconds (for logs and tests). */
  get stats(): { decoded: number; cacheHits: number; truncated: number } {
    return { ...this.shared.stats };
  }

  labelName(index: number): string {
    return this.className(this.at(index).labelIndex);
  }

  /** Number of items per class, in `labels` order. */
  classCounts(): number[] {
    const counts = new Array<number>(this.labels.length).fill(0);
    // labelIndices point into labels (resolveLabels checks them), so every count exists.
    for (const l of this.labelIndices) counts[l]! += 1;
    return counts;
  }

  /** Display name of a source. */
  sourceName(index: number): string {
    return describeSource(this.at(index).source, index);
  }

  /** The clip's log-mel spectrogram, from the cache when possible (never augmented). */
  async getSpectrogram(index: number): Promise<Spectrogram> {
    const { source } = this.at(index);
    const shared = this.shared;
    const frontEnd = await this.frontEnd();
    if (!shared.cache) return this.compute(frontEnd, source, index, await this.readBytes(source));
    let key = shared.keys.get(source);
    let bytes: Uint8Array | undefined;
    if (key === undefined) {
      bytes = await this.readBytes(source);
      key = `${await (shared.configHash ??= featureConfigHash(shared.config, shared.maxDurationSeconds))}-${await contentHash(source, bytes)}`;
      shared.keys.set(source, key);
    }
    const cached = await shared.cache.get(key);
    const spec = cached && decodeSpectrogram(cached);
    if (spec) {
      shared.stats.cacheHits += 1;
      return spec;
    }
    const computed = await this.compute(frontEnd, source, index, bytes ?? (await this.readBytes(source)));
    await shared.cache.set(key, encodeSpectrogram(computed));
    return computed;
  }

  /** Features and label of one clip; augmented (random window, masks, gain) when the dataset augments. */
  async getItem(index: number): Promise<DatasetItem> {
    const { source, labelIndex } = this.at(index);
    const frontEnd = await this.frontEnd();
    let spectrogram = await this.getSpectrogram(index);
    let features: ModelInputBatch;
    if (this.augment) {
      spectrogram = cropWindow(spectrogram, this.shared.config.spectrogramWidth, this.prng);
      spectrogram = augmentSpectrogram(spectrogram, this.augment, this.prng);
      features = frontEnd.windows(spectrogram, this.shared.hopFrames);
    } else {
      features = frontEnd.windows(spectrogram, this.shared.hopFrames);
    }
    return {
      features,
      spectrogram,
      label: labelIndex,
      labelName: this.className(labelIndex),
      index,
      source: describeSource(source, index),
    };
  }

  /** A dataset over some items, sharing the cache and front end. */
  subset(indices: readonly number[], options: { augment?: boolean | SpectrogramAugmentOptions } = {}): NoiseDataset {
    const picked = indices.map((i) => this.at(i));
    const ds = Object.create(NoiseDataset.prototype) as NoiseDataset;
    const augment = options.augment === undefined ? this.augment : options.augment === true ? {} : options.augment || null;
    Object.assign(ds, {
      sources: picked.map((item) => item.source),
      labels: this.labels,
      labelIndices: picked.map((item) => item.labelIndex),
      folds: picked.map((item) => item.fold),
      augment,
      shared: this.shared,
      prng: createPrng(picked.length * 7919 + (indices[0] ?? 0)),
    });
    return ds;
  }

  /**
   * The same clips and labels with another feature config / channel count (e.g. a model's), sharing file access
   * and cache (the cache key includes the config, so entries never mix). Never augments.
   */
  withFeatureConfig(featureConfig: AudioFeatureConfig, inputChannels: 1 | 3 = this.shared.inputChannels): NoiseDataset {
    return new NoiseDataset(this.sources, this.labelIndices, {
      labels: this.labels,
      featureConfig,
      inputChannels,
      folds: this.folds,
      files: this.shared.files,
      cache: this.shared.cache,
      maxDurationSeconds: this.shared.maxDurationSeconds,
      hopFrames: Math.max(1, Math.floor(featureConfig.spectrogramWidth / 2)),
    });
  }

  /** Validation = the items of fold `k`; training = the rest. The validation part never augments. */
  splitByFold(k: number): DatasetSplit {
    const present = [...new Set(this.folds.filter((f): f is number => f !== undefined))].sort((a, b) => a - b);
    if (!present.includes(k)) {
      throw new NoiseClassifierError('E_DATASET', `No items in fold ${k}`, {
        field: 'fold',
        expected: present.length ? `one of ${present.join(', ')}` : 'a dataset with folds (a manifest fold column)',
        received: String(k),
      });
    }
    const val: number[] = [];
    const train: number[] = [];
    this.folds.forEach((f, i) => (f === k ? val : train).push(i));
    return { train: this.subset(train), val: this.subset(val, { augment: false }) };
  }

  /**
   * Per-class random split: about `fraction` of each class goes to validation (at least one item when a class has
   * two or more), the same for the same seed.
   */
  stratifiedSplit(fraction: number, seed = 0): DatasetSplit {
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
      throw new NoiseClassifierError('E_DATASET', 'stratifiedSplit fraction must be between 0 and 1', {
        field: 'fraction',
        expected: 'a number in (0, 1)',
        received: describeValue(fraction),
      });
    }
    const prng = createPrng(seed);
    const train: number[] = [];
    const val: number[] = [];
    for (let c = 0; c < this.labels.length; c++) {
      const members = shuffled(
        this.labelIndices.flatMap((l, i) => (l === c ? [i] : [])),
        prng,
      );
      if (members.length === 0) continue;
      const nVal = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
      val.push(...members.slice(0, nVal));
      train.push(...members.slice(nVal));
    }
    const byIndex = (a: number, b: number) => a - b;
    return { train: this.subset(train.sort(byIndex)), val: this.subset(val.sort(byIndex), { augment: false }) };
  }

  private frontEnd(): Promise<FrontEnd> {
    return (this.shared.frontEnd ??= createFrontEnd(this.shared.config, this.shared.inputChannels));
  }

  /** The item at a caller-given index; throws E_DATASET when there is none. */
  private at(index: number): { source: DatasetSource; labelIndex: number; fold: number | undefined } {
    const source = Number.isInteger(index) ? this.sources[index] : undefined;
    const labelIndex = Number.isInteger(index) ? this.labelIndices[index] : undefined;
    if (source === undefined || labelIndex === undefined) {
      throw new NoiseClassifierError('E_DATASET', 'Dataset index out of range', {
        field: 'index',
        expected: `an integer in [0, ${this.sources.length - 1}]`,
        received: describeValue(index),
      });
    }
    return { source, labelIndex, fold: this.folds[index] };
  }

  /** Name of a class; label indices are checked against `labels` when the dataset is built (resolveLabels). */
  private className(labelIndex: number): string {
    return this.labels[labelIndex]!;
  }

  private async readBytes(source: DatasetSource): Promise<Uint8Array | undefined> {
    if (typeof source !== 'string') return source instanceof Uint8Array ? source : undefined;
    const files = this.shared.files;
    if (!files) {
      throw new NoiseClassifierError('E_RUNTIME_MISSING', 'Reading dataset files needs a file access', {
        field: 'files',
        expected: "options.files (nodeDatasetFiles from '@noise-classifier/pipelines/node' in Node)",
        received: `a path (${source}) and no file access`,
      });
    }
    return files.readFile(source);
  }

  private async compute(frontEnd: FrontEnd, source: DatasetSource, index: number, bytes: Uint8Array | undefined): Promise<Spectrogram> {
    let audio: Float32Array;
    try {
      audio = bytes
        ? await frontEnd.prepare(bytes)
        : await frontEnd.prepare(Float32Array.from((source as SampleSource).samples), (source as SampleSource).sampleRate);
    } catch (error) {
      if (error instanceof NoiseClassifierError) {
        throw new NoiseClassifierError(error.code, `${describeSource(source, index)}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const limit = this.shared.maxDurationSeconds;
    if (limit !== null && audio.length > limit * this.shared.config.sampleRate) {
      audio = audio.subarray(0, Math.round(limit * this.shared.config.sampleRate));
      this.shared.stats.truncated += 1;
    }
    this.shared.stats.decoded += 1;
    return frontEnd.logMel(audio);
  }
}

const AUDIO_EXTENSION = /\.(wav|wave|ogg|oga|flac|mp3)$/i;

function requireFiles(options: NoiseDatasetOptions, method: string): DatasetFileAccess {
  if (!options.files) {
    throw new NoiseClassifierError('E_RUNTIME_MISSING', `NoiseDataset.${method} needs options.files`, {
      field: 'files',
      expected: "a file access (nodeDatasetFiles from '@noise-classifier/pipelines/node' in Node)",
      received: 'none',
    });
  }
  return options.files;
}

function checkSource(source: DatasetSource, i: number): void {
  const ok =
    (typeof source === 'string' && source.length > 0) ||
    source instanceof Uint8Array ||
    (typeof source === 'object' && source !== null && 'samples' in source && typeof source.sampleRate === 'number');
  if (!ok) {
    throw new NoiseClassifierError('E_DATASET', `Invalid dataset source at index ${i}`, {
      field: `files[${i}]`,
      expected: 'a file path, the bytes of an encoded file, or { samples, sampleRate }',
      received: describeValue(source),
    });
  }
}

function describeSource(source: DatasetSource, index: number): string {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return `bytes #${index}`;
  return source.name ?? `samples #${index}`;
}

async function contentHash(source: DatasetSource, bytes: Uint8Array | undefined): Promise<string> {
  if (bytes) return sha256Hex(bytes);
  const s = source as SampleSource;
  const samples = Float32Array.from(s.samples);
  const buf = new Uint8Array(samples.byteLength + 4);
  buf.set(new Uint8Array(samples.buffer), 0);
  new DataView(buf.buffer).setUint32(samples.byteLength, s.sampleRate, true);
  return sha256Hex(buf);
}

function resolveLabels(
  labels: readonly (number | string)[],
  given: readonly string[] | undefined,
): { labelList: readonly string[]; indices: number[] } {
  const allNumbers = labels.every((l) => typeof l === 'number');
  const allStrings = labels.every((l) => typeof l === 'string');
  if (!allNumbers && !allStrings) {
    throw new NoiseClassifierError('E_LABEL', 'Labels must be all indices or all names', {
      field: 'labels',
      expected: 'an array of class indices or an array of class names',
      received: 'a mix of numbers and strings (or other values)',
    });
  }
  if (allNumbers) {
    const list = given ? [...given] : [...NOISE_LABELS];
    const indices = (labels as number[]).map((l, i) => {
      if (!Number.isInteger(l) || l < 0 || l >= list.length) {
        throw new NoiseClassifierError('E_LABEL', `Label index out of range at ${i}`, {
          field: `labels[${i}]`,
          expected: `an integer in [0, ${list.length - 1}]`,
          received: describeValue(l),
        });
      }
      return l;
    });
    return { labelList: Object.freeze(list), indices };
  }
  const names = labels as string[];
  let list: string[];
  if (given) list = [...given];
  else {
    const present = new Set(names);
    const known = NOISE_LABELS.filter((l) => present.has(l));
    const unknown = [...present].filter((l) => !NOISE_LABELS.includes(l)).sort();
    list = [...known, ...unknown];
  }
  const index = new Map(list.map((l, i) => [l, i]));
  const indices = names.map((name, i) => {
    const at = index.get(name);
    if (at === undefined) {
      throw new NoiseClassifierError('E_LABEL', `Unknown label ${JSON.stringify(name)} at ${i}`, {
        field: `labels[${i}]`,
        expected: `one of ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}`,
        received: JSON.stringify(name),
      });
    }
    return at;
  });
  return { labelList: Object.freeze(list), indices };
}

