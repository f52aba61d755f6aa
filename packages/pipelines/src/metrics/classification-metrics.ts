import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of the class. */
  support: number;
}

export interface EvaluationReport {
  /** Fraction in [0, 1]. */
  accuracy: number;
  /** Unweighted mean of per-class F1 over `labels`, in [0, 1]. */
  macroF1: number;
  perClass: Record<string, ClassMetrics>;
  /** confusionMatrix[trueIndex][predictedIndex], indices into `labels`. */
  confusionMatrix: number[][];
  labels: string[];
  sampleCount: number;
}

export interface MetricsOptions {
  /**
   * Label order of the report. Default: every label that occurs in the truths or the predictions, in the order
   * of `labelOrder` when given (e.g. the model's labels), otherwise in order of first appearance.
   */
  labels?: readonly string[];
  labelOrder?: readonly string[];
}

/**
 * Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix from label pairs.
 * A class never predicted has precision 0, one with no true examples has recall 0 (scikit-learn's
 * `zero_division=0`); macro-F1 averages over the report's labels.
 */
export function computeClassificationMetrics(
  truths: readonly string[],
  predictions: readonly string[],
  options: MetricsOptions = {},
): EvaluationReport {
  if (truths.length !== predictions.length) {
    throw new NoiseClassifierError('E_DATASET', 'Truths and predictions differ in length', {
      field: 'predictions',
      expected: `${truths.length} predictions (one per truth)`,
      received: `${predictions.length}`,
    });
  }
  if (truths.length === 0) {
    throw new NoiseClassifierError('E_DATASET', 'Cannot compute metrics of an empty dataset', {
      field: 'truths',
      expected: 'at least one example',
      received: 'none',
    });
  }
  const labels = options.labels ? [...options.labels] : reportLabels(truths, predictions, options.labelOrder);
  const index = new Map(labels.map((l, i) => [l, i]));
  const n = labels.length;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let correct = 0;
  // predictions has truths' length (checked above); the matrix is n × n, and t, p are label indices < n.
  for (const [i, truth] of truths.entries()) {
    const prediction = predictions[i]!;
    const t = index.get(truth);
    const p = index.get(prediction);
    if (t === undefined || p === undefined) {
      const bad = t === undefined ? truth : prediction;
      throw new NoiseClassifierError('E_LABEL', 'A label is missing from the report labels', {
        field: t === undefined ? `truths[${i}]` : `predictions[${i}]`,
        expected: `one of ${labels.join(', ')}`,
        received: describeValue(bad),
      });
    }
    matrix[t]![p]! += 1;
    if (t === p) correct += 1;
  }
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const [c, label] of labels.entries()) {
    const row = matrix[c]!;
    const tp = row[c]!;
    const support = row.reduce((sum, count) => sum + count, 0);
    const predicted = matrix.reduce((sum, other) => sum + other[c]!, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    accuracy: correct / truths.length,
    macroF1: n === 0 ? 0 : f1Sum / n,
    perClass,
    confusionMatrix: matrix,
    labels,
    sampleCount: truths.length,
  };
}

function reportLabels(truths: readonly string[], predictions: readonly string[], order?: readonly string[]): string[] {
  const present = new Set([...truths, ...predictions]);
  if (!order) return [...present];
  const ordered = order.filter((l) => present.has(l));
  const extra = [...present].filter((l) => !order.includes(l));
  return [...ordered, ...extra];
}
