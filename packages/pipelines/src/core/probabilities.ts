import { NoiseClassifierError, type WindowAggregation } from '@noise-classifier/config';

/**
 * Row-wise softmax of logits [rows × classes]. Subtracting the row maximum keeps exp() in range,
 * so logits of ±1e4 give finite probabilities that sum to 1.
 */
export function softmaxRows(logits: Float32Array, rows: number, classes: number): Float32Array {
  if (logits.length !== rows * classes) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'Model output size does not match batch × classes', {
      field: 'logits',
      expected: `${rows * classes} values (${rows} × ${classes})`,
      received: `${logits.length} values`,
    });
  }
  // Every index below is < rows × classes = logits.length = out.length (checked above).
  const out = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]!);
    if (!Number.isFinite(max)) {
      throw new NoiseClassifierError('E_RUNTIME_FAILED', 'The model produced non-finite logits', {
        field: `logits[${r}]`,
        expected: 'finite numbers',
        received: String(max),
      });
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c]! - max);
      out[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[base + c]! /= sum;
  }
  return out;
}

/** Combines per-window probabilities [rows × classes] into one distribution; `probs` holds at least rows × classes values. */
export function aggregateRows(
  probs: Float32Array,
  rows: number,
  classes: number,
  aggregation: WindowAggregation,
): Float64Array {
  const out = new Float64Array(classes);
  if (rows === 0) return out;
  if (aggregation === 'mean') {
    for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) out[c]! += probs[r * classes + c]!;
    for (let c = 0; c < classes; c++) out[c]! /= rows;
    return out;
  }
  // max: each class's strongest window, renormalised so the result is still a distribution.
  out.fill(-Infinity);
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) out[c] = Math.max(out[c]!, probs[r * classes + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += out[c]!;
  for (let c = 0; c < classes; c++) out[c]! /= sum;
  return out;
}

/** Index of the largest value (first on ties) among values[offset … offset + length), which must exist. */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/** The k most probable labels, highest first; ties keep label order. `probs` holds one value per label. */
export function topKOf(probs: ArrayLike<number>, labels: readonly string[], k: number): [string, number][] {
  const scored = labels.map((label, i): [string, number] => [label, probs[i]!]);
  // Array.prototype.sort is stable, so equal probabilities keep label order.
  return scored.sort((a, b) => b[1] - a[1]).slice(0, k);
}
