import type { AudioSetTag } from '../core/classification-result';
import {
  AUDIOSET_CLASSES,
  AUDIOSET_MAPPED_LABELS,
  NoiseClassifierError,
  audioSetMapEntry,
  describeValue,
} from '@noise-classifier/config';

/** Number of AudioSet classes (the second output of an AudioSet-pretrained model), derived from the class table. */
export const NUM_AUDIOSET_CLASSES: number = AUDIOSET_CLASSES.length;

/** Logistic function; AudioSet training is multi-label, so each of the 527 logits is an independent sigmoid. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Sigmoid of every logit [rows × 527] (AudioSet scores in [0, 1], not a distribution). */
export function audioSetScores(logits: Float32Array, rows: number): Float32Array {
  checkAudioSetRows(logits, rows);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = sigmoid(logits[i]!);
  return out;
}

/**
 * Evidence for each mapped label from AudioSet logits [rows × 527]: per row, the largest `weight × sigmoid(logit)`
 * over the label's classes in `AUDIOSET_LABEL_MAP`. Returns [rows × labels.length] in [0, 1]. `labels` defaults to
 * every mapped label; an unmapped or unknown label is E_CONFIG (it has no evidence to give).
 */
export function audioSetEvidence(
  logits: Float32Array,
  rows: number,
  labels: readonly string[] = AUDIOSET_MAPPED_LABELS,
): Float32Array {
  return audioSetEvidenceFromScores(audioSetScores(logits, rows), rows, labels);
}

/** `audioSetEvidence` from sigmoid scores [rows × 527] instead of logits. */
export function audioSetEvidenceFromScores(
  scores: Float32Array,
  rows: number,
  labels: readonly string[] = AUDIOSET_MAPPED_LABELS,
): Float32Array {
  checkAudioSetRows(scores, rows);
  const classesOf = labels.map((label, i) => {
    const entry = audioSetMapEntry(label);
    if (entry?.kind !== 'mapped') {
      throw new NoiseClassifierError('E_CONFIG', `Label ${label} has no AudioSet evidence`, {
        field: `labels[${i}]`,
        expected: 'a label mapped in AUDIOSET_LABEL_MAP',
        received: entry === undefined ? `${describeValue(label)} (not a taxonomy label)` : `${label} (unmapped: ${entry.reason})`,
      });
    }
    return entry.classes;
  });
  const out = new Float32Array(rows * labels.length);
  // scores is rows × 527 (checked above) and the map's class indices are < 527.
  for (let r = 0; r < rows; r++) {
    const base = r * NUM_AUDIOSET_CLASSES;
    classesOf.forEach((classes, j) => {
      let best = 0;
      for (const c of classes) best = Math.max(best, c.weight * scores[base + c.index]!);
      out[r * labels.length + j] = best;
    });
  }
  return out;
}

export type { AudioSetTag };

/** The k highest-scoring AudioSet classes of one row of scores (sigmoids), highest first; ties keep class order. */
export function topAudioSetTags(scores: ArrayLike<number>, k: number): AudioSetTag[] {
  if (scores.length !== NUM_AUDIOSET_CLASSES) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'AudioSet scores must have one value per AudioSet class', {
      field: 'audioSetScores',
      expected: `${NUM_AUDIOSET_CLASSES} values`,
      received: `${scores.length} values`,
    });
  }
  const tags = AUDIOSET_CLASSES.map(([mid, name], index): AudioSetTag => ({ index, mid, name, score: scores[index]! }));
  // Array.prototype.sort is stable, so equal scores keep class order.
  return tags.sort((a, b) => b.score - a.score).slice(0, Math.max(0, k));
}

function checkAudioSetRows(logits: Float32Array, rows: number): void {
  if (logits.length !== rows * NUM_AUDIOSET_CLASSES) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'AudioSet logits must be rows × 527', {
      field: 'audioSetLogits',
      expected: `${rows * NUM_AUDIOSET_CLASSES} values (${rows} × ${NUM_AUDIOSET_CLASSES})`,
      received: `${logits.length} values`,
    });
  }
}
