import { NoiseClassifierError, describeValue, type WindowAggregation } from '@noise-classifier/config';
import { concatModelInputBatches, type ModelInputBatch } from '@noise-classifier/features';
import type { NoiseDataset } from '../data/noise-dataset';
import type { NoiseClassifierService } from '../service/noise-classifier-service';
import { aggregateRows, argmax } from '../core/probabilities';
import { computeClassificationMetrics, type EvaluationReport } from './classification-metrics';

export interface EvaluateOptions {
  /** How a clip's windows combine (default: the service's config.aggregation). */
  aggregation?: WindowAggregation;
  /** Called after each clip: (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface ClipPrediction {
  readonly source: string;
  readonly truth: string;
  readonly predicted: string;
  readonly confidence: number;
}

export interface EvaluationResult extends EvaluationReport {
  /** One entry per clip, in dataset order. */
  readonly predictions: readonly ClipPrediction[];
}

/**
 * Clip-level evaluation: every clip's windows go through the model (batched across clips up to
 * config.maxBatchSize), window probabilities are aggregated per clip, and the clip's winner is compared with its
 * label. Also accepts ready-made predicted label names (one per clip). The report's label order follows the
 * model's labels, restricted to labels that occur in truths or predictions.
 */
export async function evaluate(
  source: NoiseClassifierService | readonly string[],
  dataset: NoiseDataset,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const truths = Array.from({ length: dataset.length }, (_, i) => dataset.labelName(i));
  if (Array.isArray(source)) {
    const predicted = source as readonly string[];
    const report = computeClassificationMetrics(truths, predicted, { labelOrder: dataset.labels });
    return { ...report, predictions: predicted.map((p, i) => ({ source: dataset.sourceName(i), truth: dataset.labelName(i), predicted: p, confidence: 1 })) };
  }
  const service = source as NoiseClassifierService;
  if (typeof service?.predictWindows !== 'function') {
    throw new NoiseClassifierError('E_CONFIG', 'evaluate needs a NoiseClassifierService or an array of predicted labels', {
      field: 'source',
      expected: 'a NoiseClassifierService or string[]',
      received: describeValue(source),
    });
  }
  const view = dataset.withFeatureConfig(service.featureConfig, service.metadata.modelConfig.inputChannels);
  const aggregation = options.aggregation ?? service.config.aggregation;
  const classes = service.labels.length;
  const max = service.config.maxBatchSize;
  const predictions: ClipPrediction[] = new Array(dataset.length);
  let pending: { index: number; batch: ModelInputBatch }[] = [];
  let pendingWindows = 0;
  let done = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const probs = await service.predictWindows(concatModelInputBatches(pending.map((p) => p.batch)));
    let row = 0;
    for (const { index, batch } of pending) {
      const agg = aggregateRows(probs.subarray(row * classes, (row + batch.count) * classes), batch.count, classes, aggregation);
      row += batch.count;
      const k = argmax(agg); // agg holds one probability per label
      predictions[index] = { source: dataset.sourceName(index), truth: dataset.labelName(index), predicted: service.labels[k]!, confidence: agg[k]! };
      options.onProgress?.(++done, dataset.length);
    }
    pending = [];
    pendingWindows = 0;
  };
  for (let i = 0; i < view.length; i++) {
    const { features } = await view.getItem(i);
    if (pendingWindows + features.count > max && pending.length > 0) await flush();
    pending.push({ index: i, batch: features });
    pendingWindows += features.count;
  }
  await flush();
  const report = computeClassificationMetrics(
    truths,
    predictions.map((p) => p.predicted),
    { labelOrder: [...service.labels, ...dataset.labels.filter((l) => !service.labels.includes(l))] },
  );
  return { ...report, predictions };
}

