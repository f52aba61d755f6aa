import { stat } from 'node:fs/promises';
import { NoiseClassifierError } from '@noise-classifier/config';
import { NoiseDataset } from '@noise-classifier/pipelines';
import { createDirectoryCacheStore, nodeDatasetFiles } from '@noise-classifier/pipelines/node';

/**
 * The labelled clips `evaluate` (and the quantisation gate of `export`) measure on: manifests or folders with one
 * sub-folder per class, pooled by label name, optionally only one fold's clips.
 */
export async function loadEvaluationData(data: string | readonly string[], options: { fold?: number; cache?: string } = {}): Promise<NoiseDataset> {
  const datasetOptions = { files: nodeDatasetFiles, ...(options.cache ? { cache: createDirectoryCacheStore(options.cache) } : {}) };
  const parts: NoiseDataset[] = [];
  for (const location of typeof data === 'string' ? [data] : data) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(location)).isDirectory();
    } catch (error) {
      throw new NoiseClassifierError('E_DATASET', `${location} does not exist`, { field: 'data', expected: 'a manifest.csv or a folder with one sub-folder per class', received: location, cause: error });
    }
    parts.push(isDirectory ? await NoiseDataset.fromDirectory(location, datasetOptions) : await NoiseDataset.fromManifest(location, datasetOptions));
  }
  // Pooled by label name (the same label in two datasets is one class).
  const [only, ...more] = parts;
  const dataset =
    only !== undefined && more.length === 0
      ? only
      : new NoiseDataset(
          parts.flatMap((p) => [...p.sources]),
          parts.flatMap((p) => p.labelIndices.map((l) => p.labels[l]!)),
          { ...datasetOptions, folds: parts.flatMap((p) => [...p.folds]) },
        );
  return options.fold === undefined ? dataset : dataset.splitByFold(options.fold).val;
}

/** The clips of `data` outside `fold` (what a model trained with that fold held out did train on). */
export async function loadOtherFolds(data: string | readonly string[], fold: number): Promise<NoiseDataset> {
  return (await loadEvaluationData(data)).splitByFold(fold).train;
}
