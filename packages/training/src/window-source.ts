import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type { Spectrogram } from '@noise-classifier/features';
import { augmentSpectrogram, cropWindow, type SpectrogramAugmentOptions } from '@noise-classifier/pipelines';
import type { NoiseDataset } from '@noise-classifier/pipelines';
import { modelWindows } from '@noise-classifier/pipelines';
import type { Random } from '@noise-classifier/features';

/**
 * What the trainer reads: labelled items, each one or more model windows [channels × height × width] (NCHW).
 * The trainer draws all randomness (which window, augmentation) from its own seeded streams, so a resumed run
 * repeats an uninterrupted one.
 */
export interface WindowSource {
  readonly size: number;
  /** Class names; `targets` index into them. */
  readonly labels: readonly string[];
  readonly targets: readonly number[];
  /** Spectrogram augmentation options when the data asks for augmentation, else null. */
  readonly augment: SpectrogramAugmentOptions | null;
  readonly inputShape: readonly [channels: number, height: number, width: number];
  /** Windows of item `i` (`count` × C×H×W floats); augmented with `prng` when given and the source augments. */
  windows(i: number, prng: Random | null): Promise<{ data: Float32Array; count: number }>;
}

/** In-memory examples (already model windows), e.g. for fine-tuning from a handful of recordings. */
export interface TrainingExamples {
  /** One C×H×W window per example (NCHW order). */
  readonly inputs: readonly Float32Array[];
  /** Class index (into `labels`) or class name per example. */
  readonly labels: readonly (number | string)[];
  readonly classNames: readonly string[];
  readonly inputShape: readonly [number, number, number];
}

export function examplesSource(examples: TrainingExamples): WindowSource {
  const [c, h, w] = examples.inputShape;
  const size = c * h * w;
  if (examples.inputs.length !== examples.labels.length || examples.inputs.length === 0) {
    throw new NoiseClassifierError('E_DATASET', 'Training examples need one label per input and at least one input', {
      field: 'labels',
      expected: `${examples.inputs.length} labels (and at least one input)`,
      received: `${examples.labels.length}`,
    });
  }
  const targets = examples.labels.map((l, i) => {
    const t = typeof l === 'number' ? l : examples.classNames.indexOf(l);
    if (!Number.isInteger(t) || t < 0 || t >= examples.classNames.length) {
      throw new NoiseClassifierError('E_DATASET', `Example ${i} has an unknown label`, {
        field: `labels[${i}]`,
        expected: `a class index below ${examples.classNames.length} or one of ${examples.classNames.join(', ')}`,
        received: describeValue(l),
      });
    }
    if (examples.inputs[i]!.length !== size) {
      throw new NoiseClassifierError('E_DATASET', `Example ${i} has the wrong size`, {
        field: `inputs[${i}]`,
        expected: `${size} floats (${c}×${h}×${w})`,
        received: `${examples.inputs[i]!.length}`,
      });
    }
    return t;
  });
  return {
    size: examples.inputs.length,
    labels: examples.classNames,
    targets,
    augment: null,
    inputShape: [c, h, w],
    windows: async (i) => ({ data: examples.inputs[i]!, count: 1 }),
  };
}

/**
 * A NoiseDataset as the trainer sees it: cached log-mel spectrograms, cut into model windows. When the dataset
 * augments, each draw is a random window with gain and SpecAugment masks from the trainer's stream.
 */
export function datasetSource(dataset: NoiseDataset, inputChannels: 1 | 3 = 1): WindowSource {
  const config = dataset.featureConfig;
  // Non-overlapping windows: validation every epoch costs a forward pass per window, and overlap adds little.
  const hop = config.spectrogramWidth;
  const augment = dataset.augment;
  return {
    size: dataset.length,
    labels: dataset.labels,
    targets: dataset.labelIndices,
    augment,
    inputShape: [inputChannels, config.spectrogramHeight, config.spectrogramWidth],
    async windows(i, prng) {
      let spec: Spectrogram = await dataset.getSpectrogram(i);
      if (augment && prng) {
        spec = augmentSpectrogram(cropWindow(spec, config.spectrogramWidth, prng), augment, prng);
      }
      const batch = modelWindows(spec, config, inputChannels, hop);
      return { data: batch.data, count: batch.count };
    },
  };
}

/** Accepts a NoiseDataset, examples or a ready WindowSource. */
export function toWindowSource(data: NoiseDataset | TrainingExamples | WindowSource, inputChannels: 1 | 3 = 1): WindowSource {
  if ('windows' in data && typeof data.windows === 'function') return data;
  if ('inputs' in data) return examplesSource(data);
  return datasetSource(data as NoiseDataset, inputChannels);
}

/**
 * The same items `n` times per epoch (item k·size + i is item i): each visit draws its own random window and
 * augmentation, so an epoch sees n windows of every clip — more optimiser steps per epoch from the same data.
 */
export function repeatSource(source: WindowSource, n: number): WindowSource {
  if (!Number.isInteger(n) || n < 1) {
    throw new NoiseClassifierError('E_CONFIG', 'Windows per clip must be a positive integer', {
      field: 'windowsPerClip', expected: 'an integer ≥ 1', received: describeValue(n),
    });
  }
  if (n === 1) return source;
  const size = source.size;
  return {
    size: size * n,
    labels: source.labels,
    targets: Array.from({ length: size * n }, (_, k) => source.targets[k % size]!),
    augment: source.augment,
    inputShape: source.inputShape,
    windows: (i, prng) => source.windows(i % size, prng),
  };
}
