import type { ClassMetrics, EvaluationReport } from '../metrics/classification-metrics';
import { expectArray, expectNumber, expectNumberArray, expectObject, expectString } from './classification-wire';

export interface WireClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Evaluation report in snake_case (CLI `evaluate --json`, HTTP). */
export interface WireEvaluationReport {
  accuracy: number;
  macro_f1: number;
  per_class: Record<string, WireClassMetrics>;
  confusion_matrix: number[][];
  labels: string[];
  sample_count: number;
}

export function toWireEvaluation(report: EvaluationReport): WireEvaluationReport {
  return {
    accuracy: report.accuracy,
    macro_f1: report.macroF1,
    per_class: Object.fromEntries(Object.entries(report.perClass).map(([label, m]) => [label, { ...m }])),
    confusion_matrix: report.confusionMatrix.map((row) => [...row]),
    labels: [...report.labels],
    sample_count: report.sampleCount,
  };
}

export function fromWireEvaluation(input: unknown): EvaluationReport {
  const wire = expectObject(input, 'evaluation');
  const perClass: Record<string, ClassMetrics> = {};
  for (const [label, raw] of Object.entries(expectObject(wire.per_class, 'per_class'))) {
    const m = expectObject(raw, `per_class.${label}`);
    perClass[label] = {
      precision: expectNumber(m.precision, `per_class.${label}.precision`),
      recall: expectNumber(m.recall, `per_class.${label}.recall`),
      f1: expectNumber(m.f1, `per_class.${label}.f1`),
      support: expectNumber(m.support, `per_class.${label}.support`),
    };
  }
  return {
    accuracy: expectNumber(wire.accuracy, 'accuracy'),
    macroF1: expectNumber(wire.macro_f1, 'macro_f1'),
    perClass,
    confusionMatrix: expectArray(wire.confusion_matrix, 'confusion_matrix').map((row, i) =>
      expectNumberArray(row, `confusion_matrix[${i}]`),
    ),
    labels: expectArray(wire.labels, 'labels').map((l, i) => expectString(l, `labels[${i}]`)),
    sampleCount: wire.sample_count === undefined ? 0 : expectNumber(wire.sample_count, 'sample_count'),
  };
}
