import {
  NOISE_LABELS,
  NoiseClassifierError,
  audioSetMapEntry,
  describeValue,
  type LabelSource,
} from '@noise-classifier/config';
import type { CombinedHeadGraphSpec } from '@noise-classifier/models';
import { NUM_AUDIOSET_CLASSES, audioSetEvidence } from './audioset-evidence';

/**
 * How a trained head and the mapped AudioSet evidence share one distribution. Trained labels keep their head
 * log-probabilities; a mapped label's evidence e becomes the logit `mappedScale × ln(e / (1 − e)) + mappedOffset`;
 * one softmax over both gives the output. The two numbers are fitted (`fitAudioSetCombiner`) so that neither side
 * swamps the other; labels with neither source get probability 0.
 */
export interface AudioSetCombinerParams {
  readonly mappedScale: number;
  readonly mappedOffset: number;
}

export interface CombinedHeadSpec extends AudioSetCombinerParams {
  /** The trained head's labels, in its output order. */
  readonly trainedLabels: readonly string[];
  /** Output labels, in output order (default: the 59 taxonomy labels). */
  readonly labels?: readonly string[];
}

/** Evidence is clamped to [ε, 1 − ε] before the log-odds so a saturated sigmoid stays finite. */
export const EVIDENCE_EPSILON = 1e-6;

/** A probability of 0 as a finite logit: exp(−1e4 − max) is 0 in float32, and consumers reject non-finite logits. */
export const ABSENT_LOGIT = -1e4;

/**
 * Where each output label's probability comes from: `trained` (in the head), `mapped` (AudioSet evidence only) or
 * `none` (neither: probability 0). A label that is both trained and mapped counts as trained.
 */
export function labelSourcesFor(trainedLabels: readonly string[], labels: readonly string[] = NOISE_LABELS): Record<string, LabelSource> {
  const trained = new Set(trainedLabels);
  const sources: Record<string, LabelSource> = {};
  for (const label of labels) {
    sources[label] = trained.has(label) ? 'trained' : audioSetMapEntry(label)?.kind === 'mapped' ? 'mapped' : 'none';
  }
  return sources;
}

/** The layout shared by the TypeScript combiner and the ONNX graph: which output slot reads which source. */
export interface CombinedHeadLayout {
  readonly labels: readonly string[];
  readonly sources: Readonly<Record<string, LabelSource>>;
  /** Labels whose probability comes from AudioSet evidence, in output order. */
  readonly mappedLabels: readonly string[];
  /** Per output label: index into the head, or into `mappedLabels`, or -1 (none). */
  readonly slots: readonly { readonly source: LabelSource; readonly index: number }[];
}

export function combinedHeadLayout(spec: Pick<CombinedHeadSpec, 'trainedLabels' | 'labels'>): CombinedHeadLayout {
  const labels = spec.labels ?? NOISE_LABELS;
  const headIndex = new Map(spec.trainedLabels.map((l, i) => [l, i]));
  if (headIndex.size !== spec.trainedLabels.length) {
    throw new NoiseClassifierError('E_CONFIG', 'The trained head lists a label twice', {
      field: 'trainedLabels',
      expected: 'distinct labels',
      received: describeValue(spec.trainedLabels),
    });
  }
  const outside = spec.trainedLabels.find((l) => !labels.includes(l));
  if (outside !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', `Trained label ${outside} is not an output label`, {
      field: 'trainedLabels',
      expected: 'labels that appear in the output labels',
      received: outside,
    });
  }
  const sources = labelSourcesFor(spec.trainedLabels, labels);
  const mappedLabels = labels.filter((l) => sources[l] === 'mapped');
  const mappedIndex = new Map(mappedLabels.map((l, i) => [l, i]));
  const slots = labels.map((l): CombinedHeadLayout['slots'][number] => {
    const headAt = headIndex.get(l);
    if (headAt !== undefined) return { source: 'trained', index: headAt };
    const mappedAt = mappedIndex.get(l);
    return mappedAt === undefined ? { source: 'none', index: -1 } : { source: 'mapped', index: mappedAt };
  });
  return { labels, sources, mappedLabels, slots };
}

/**
 * Combined logits [rows × labels] from head logits [rows × trainedLabels] and AudioSet logits [rows × 527]:
 * the head's log-softmax for trained labels, the scaled log-odds of the evidence for mapped ones, ABSENT_LOGIT for
 * the rest. A softmax of the result is the combined distribution (the service applies it, as to any model's logits).
 */
export function combineHeadAndAudioSet(
  headLogits: Float32Array,
  audioSetLogits: Float32Array,
  rows: number,
  spec: CombinedHeadSpec,
): Float32Array {
  checkParams(spec);
  const layout = combinedHeadLayout(spec);
  const t = spec.trainedLabels.length;
  if (headLogits.length !== rows * t) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'Head logits must be rows × trained labels', {
      field: 'headLogits',
      expected: `${rows * t} values (${rows} × ${t})`,
      received: `${headLogits.length} values`,
    });
  }
  if (audioSetLogits.length !== rows * NUM_AUDIOSET_CLASSES) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'AudioSet logits must be rows × 527', {
      field: 'audioSetLogits',
      expected: `${rows * NUM_AUDIOSET_CLASSES} values`,
      received: `${audioSetLogits.length} values`,
    });
  }
  const evidence = audioSetEvidence(audioSetLogits, rows, layout.mappedLabels);
  const m = layout.mappedLabels.length;
  const n = layout.labels.length;
  const out = new Float32Array(rows * n);
  // A trained slot's index is < t (the head's labels), a mapped one's < m (evidence is rows × m).
  for (let r = 0; r < rows; r++) {
    const logSoftmax = logSoftmaxRow(headLogits, r * t, t);
    layout.slots.forEach((slot, j) => {
      out[r * n + j] = slot.source === 'trained'
        ? logSoftmax[slot.index]!
        : slot.source === 'mapped'
          ? mappedLogit(evidence[r * m + slot.index]!, spec)
          : ABSENT_LOGIT;
    });
  }
  return out;
}

/**
 * The ONNX form of `combineHeadAndAudioSet` for `appendAudioSetCombinedHead` (@noise-classifier/models): the same
 * layout, classes and weights from `AUDIOSET_LABEL_MAP`, the same parameters, so the file computes what this
 * module computes.
 */
export function combinedHeadGraphSpec(spec: CombinedHeadSpec, notes?: Readonly<Record<string, unknown>>): CombinedHeadGraphSpec {
  checkParams(spec);
  const layout = combinedHeadLayout(spec);
  return {
    labels: layout.labels,
    slots: layout.slots.map((slot, j) => {
      if (slot.source === 'trained') return { source: 'trained', headIndex: slot.index };
      if (slot.source === 'none') return { source: 'none' };
      const entry = audioSetMapEntry(layout.labels[j]!); // one slot per label
      if (entry?.kind !== 'mapped') throw new Error(`unreachable: ${layout.labels[j]} is mapped in the layout`);
      return { source: 'mapped', classes: entry.classes.map((c) => ({ index: c.index, weight: c.weight })) };
    }),
    mappedScale: spec.mappedScale,
    mappedOffset: spec.mappedOffset,
    epsilon: EVIDENCE_EPSILON,
    absentLogit: ABSENT_LOGIT,
    ...(notes === undefined ? {} : { notes }),
  };
}

/** `scale × logit(clamp(e)) + offset`: the mapped side's logit for one evidence value. */
export function mappedLogit(evidence: number, params: AudioSetCombinerParams): number {
  const e = Math.min(1 - EVIDENCE_EPSILON, Math.max(EVIDENCE_EPSILON, evidence));
  return params.mappedScale * Math.log(e / (1 - e)) + params.mappedOffset;
}

/** Log-softmax of values[offset … offset + length), which the caller's shape check guarantees. */
function logSoftmaxRow(values: Float32Array, offset: number, length: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, values[offset + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(values[offset + i]! - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = values[offset + i]! - logSum;
  return out;
}

function checkParams(params: AudioSetCombinerParams): void {
  for (const field of ['mappedScale', 'mappedOffset'] as const) {
    const v = params[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || (field === 'mappedScale' && v <= 0)) {
      throw new NoiseClassifierError('E_CONFIG', `Invalid combiner parameter ${field}`, {
        field,
        expected: field === 'mappedScale' ? 'a finite number > 0' : 'a finite number',
        received: describeValue(v),
      });
    }
  }
}
