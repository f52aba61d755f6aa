import { NoiseClassifierError, describeValue, toSnakeCaseKeys, type LabelSource } from '@noise-classifier/config';
import { METADATA_KEYS, createModelMetadata, metadataFromProps, metadataToProps } from '../metadata';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { ONNX_DATA_TYPE, modelProtoType } from './onnx-schema';
import { ONNX_AUDIOSET_LOGITS_NAME, ONNX_BATCH_DIM, ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME } from './export-onnx';

/** What one output label reads: a column of the trained head, mapped AudioSet classes, or nothing. */
export type CombinedHeadSlot =
  | { readonly source: 'trained'; readonly headIndex: number }
  | { readonly source: 'mapped'; readonly classes: readonly { readonly index: number; readonly weight: number }[] }
  | { readonly source: 'none' };

export interface CombinedHeadGraphSpec {
  /** Output labels, in output order (one slot each). */
  readonly labels: readonly string[];
  readonly slots: readonly CombinedHeadSlot[];
  /** Mapped logit = mappedScale × ln(e / (1 − e)) + mappedOffset, e = max over classes of weight × sigmoid. */
  readonly mappedScale: number;
  readonly mappedOffset: number;
  /** Evidence clamp (default 1e-6) and the logit of labels with no source (default −1e4). */
  readonly epsilon?: number;
  readonly absentLogit?: number;
  /** Recorded in the metadata (`training_metrics.audioset_combiner`) beside the two parameters. */
  readonly notes?: Readonly<Record<string, unknown>>;
}

interface ProtoNode { input: string[]; output: string[]; name?: string; opType: string; attribute?: unknown[] }
interface ProtoValueInfo { name: string; type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } } }
interface ProtoModel {
  graph: { node: ProtoNode[]; initializer?: unknown[]; input: ProtoValueInfo[]; output: ProtoValueInfo[]; name?: string };
  metadataProps?: { key: string; value: string }[];
  [key: string]: unknown;
}

/**
 * Appends the combined head to an ONNX model made by our exporter, so every runtime gets probabilities over all the
 * spec's labels from one file. Two kinds of input model:
 * - a trained head with an AudioSet output: outputs `logits` [batch × head labels] and `audioset_logits` [batch × 527];
 * - an AudioSet model alone: `logits` [batch × 527] (no trained slots allowed), which becomes `audioset_logits`.
 * The result has `logits` [batch × labels] (the head's log-softmax for trained slots, the scaled log-odds of the
 * mapped evidence, `absentLogit` for the rest), `probabilities` (their softmax) and `audioset_logits`, and its
 * metadata lists the new labels with `label_sources`.
 */
export function appendAudioSetCombinedHead(bytes: Uint8Array, spec: CombinedHeadGraphSpec): Uint8Array {
  checkSpec(spec);
  const type = modelProtoType();
  const model = type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, defaults: false }) as ProtoModel;
  const graph = model.graph;
  const props = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]));
  const outputNames = graph.output.map((o) => o.name);
  const hasAudioSetOutput = outputNames.includes(ONNX_AUDIOSET_LOGITS_NAME);
  const trainedSlots = spec.slots.filter((s) => s.source === 'trained').length;
  if (!outputNames.includes(ONNX_LOGITS_NAME)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'The model has no logits output to combine', {
      field: 'graph.output',
      expected: `an output named "${ONNX_LOGITS_NAME}"`,
      received: outputNames.join(', ') || 'none',
    });
  }
  if (!hasAudioSetOutput && trainedSlots > 0) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'Trained slots need a model with a trained head and an AudioSet output', {
      field: 'slots',
      expected: `a model with outputs "${ONNX_LOGITS_NAME}" and "${ONNX_AUDIOSET_LOGITS_NAME}", or no trained slots`,
      received: `outputs ${outputNames.join(', ')} and ${trainedSlots} trained slots`,
    });
  }
  const before = metadataFromProps(props);
  const headLabels = hasAudioSetOutput ? before.labels.length : 0;
  const badHead = spec.slots.find((s) => s.source === 'trained' && (s.headIndex < 0 || s.headIndex >= headLabels));
  if (badHead !== undefined) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'A trained slot points outside the head', {
      field: 'slots',
      expected: `head indices in [0, ${headLabels})`,
      received: describeValue(badHead),
    });
  }

  // Every name in use, so new nodes and initialisers never collide (the input may already carry a combined head).
  const b = new OnnxGraphBuilder();
  for (const n of graph.node) [...n.output, n.name ?? ''].forEach((o) => b.reserve(o));
  for (const t of (graph.initializer ?? []) as { name?: string }[]) if (t.name) b.reserve(t.name);
  for (const name of [ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME, ONNX_AUDIOSET_LOGITS_NAME]) b.reserve(name);
  // Free the output names: the old logits become the head (or AudioSet) logits; the old probabilities go.
  const headName = hasAudioSetOutput ? b.uniqueName('combined/head_logits') : ONNX_AUDIOSET_LOGITS_NAME;
  graph.node = graph.node.filter((n) => !n.output.includes(ONNX_PROBABILITIES_NAME));
  for (const node of graph.node) {
    node.input = node.input.map((i) => (i === ONNX_LOGITS_NAME ? headName : i));
    node.output = node.output.map((o) => (o === ONNX_LOGITS_NAME ? headName : o));
    if (node.name === ONNX_LOGITS_NAME) node.name = headName;
  }
  const audioSet = ONNX_AUDIOSET_LOGITS_NAME;

  const parts: string[] = [];
  const position: number[] = new Array(spec.labels.length);
  let width = 0;

  if (hasAudioSetOutput && headLabels > 0) {
    parts.push(b.node('LogSoftmax', [headName], 'combined/head_log_softmax', { axis: 1 }));
    spec.slots.forEach((s, j) => {
      if (s.source === 'trained') position[j] = s.headIndex;
    });
    width += headLabels;
  }
  const mapped = spec.slots.map((s, j) => ({ s, j })).filter((x): x is { s: Extract<CombinedHeadSlot, { source: 'mapped' }>; j: number } => x.s.source === 'mapped');
  if (mapped.length > 0) {
    const k = Math.max(...mapped.map((m) => m.s.classes.length));
    const indices: number[] = [];
    const weights: number[] = [];
    for (const { s } of mapped) {
      for (let c = 0; c < k; c++) {
        indices.push(s.classes[c]?.index ?? 0);
        weights.push(s.classes[c]?.weight ?? 0); // padding: weight 0 never wins the max over sigmoid ≥ 0
      }
    }
    const epsilon = spec.epsilon ?? 1e-6;
    const gathered = b.node('Gather', [audioSet, b.int64Tensor('combined/class_indices', indices)], 'combined/class_logits', { axis: 1 });
    const scores = b.node('Sigmoid', [gathered], 'combined/class_scores');
    const weighted = b.node('Mul', [scores, b.floatTensor('combined/class_weights', [weights.length], Float32Array.from(weights))], 'combined/weighted_scores');
    const grouped = b.node('Reshape', [weighted, b.int64Tensor('combined/group_shape', [0, mapped.length, k])], 'combined/grouped_scores');
    const evidence = b.node('ReduceMax', [grouped], 'combined/evidence', { axes: [2], keepdims: 0 });
    const clipped = b.node('Clip', [evidence, b.floatScalar('combined/eps', epsilon), b.floatScalar('combined/one_minus_eps', 1 - epsilon)], 'combined/evidence_clipped');
    const complement = b.node('Sub', [b.floatScalar('combined/one', 1), clipped], 'combined/evidence_complement');
    const logOdds = b.node('Sub', [b.node('Log', [clipped], 'combined/log_e'), b.node('Log', [complement], 'combined/log_1_minus_e')], 'combined/log_odds');
    const scaled = b.node('Mul', [logOdds, b.floatScalar('combined/mapped_scale', spec.mappedScale)], 'combined/scaled');
    parts.push(b.node('Add', [scaled, b.floatScalar('combined/mapped_offset', spec.mappedOffset)], 'combined/mapped_logits'));
    mapped.forEach(({ j }, i) => (position[j] = width + i));
    width += mapped.length;
  }
  const absent = spec.slots.map((s, j) => ({ s, j })).filter((x) => x.s.source === 'none');
  if (absent.length > 0) {
    // [batch × absent] of the absent logit, shaped from the AudioSet logits so the batch dimension follows the input.
    const columns = b.node('Gather', [audioSet, b.int64Tensor('combined/absent_columns', absent.map(() => 0))], 'combined/absent_like', { axis: 1 });
    const zeros = b.node('Mul', [columns, b.floatScalar('combined/zero', 0)], 'combined/absent_zeros');
    parts.push(b.node('Add', [zeros, b.floatScalar('combined/absent_logit', spec.absentLogit ?? -1e4)], 'combined/absent_logits'));
    absent.forEach(({ j }, i) => (position[j] = width + i));
    width += absent.length;
  }
  const all = parts.length === 1 ? parts[0]! : b.node('Concat', parts, 'combined/all_logits', { axis: 1 });
  b.nodes.push({ input: [all, b.int64Tensor('combined/output_order', position)], output: [ONNX_LOGITS_NAME], name: ONNX_LOGITS_NAME, opType: 'Gather', attribute: [{ name: 'axis', type: 2, i: 1 }] });
  b.nodes.push({ input: [ONNX_LOGITS_NAME], output: [ONNX_PROBABILITIES_NAME], name: ONNX_PROBABILITIES_NAME, opType: 'Softmax', attribute: [{ name: 'axis', type: 2, i: 1 }] });

  graph.node.push(...(b.nodes as ProtoNode[]));
  graph.initializer = [...(graph.initializer ?? []), ...b.initializers];
  const info = (name: string, columns: number): ProtoValueInfo => ({
    name,
    type: { tensorType: { elemType: ONNX_DATA_TYPE.FLOAT, shape: { dim: [{ dimParam: ONNX_BATCH_DIM }, { dimValue: columns }] } } },
  });
  graph.output = [info(ONNX_LOGITS_NAME, spec.labels.length), info(ONNX_PROBABILITIES_NAME, spec.labels.length), info(audioSet, 527)];

  const labelSources = Object.fromEntries(spec.labels.map((l, j) => [l, spec.slots[j]!.source])) as Record<string, LabelSource>;
  const metadata = createModelMetadata({
    featureConfig: before.featureConfig,
    modelConfig: { ...toSnakeCaseKeys(before.modelConfig), labels: [...spec.labels], num_classes: spec.labels.length },
    labels: spec.labels,
    untrained: before.untrained,
    ...(before.createdAt === undefined ? {} : { createdAt: before.createdAt }),
    trainingMetrics: {
      ...before.trainingMetrics,
      audioset_combiner: {
        mapped_scale: spec.mappedScale,
        mapped_offset: spec.mappedOffset,
        head_labels: hasAudioSetOutput ? before.labels : [],
        // The class indices of the map and of audioset_logits: AudioSet's standard order (AUDIOSET_CLASSES in config).
        audioset_class_order: 'audioset_class_labels_indices.csv (527 classes, AudioSet ontology)',
        ...spec.notes,
      },
    },
    labelSources,
  });
  const ours = new Set<string>(Object.values(METADATA_KEYS));
  const kept = Object.entries(props).filter(([key]) => !ours.has(key));
  model.metadataProps = [...kept, ...Object.entries(metadataToProps(metadata))].map(([key, value]) => ({ key, value }));
  return type.encode(type.fromObject(model)).finish();
}

function checkSpec(spec: CombinedHeadGraphSpec): void {
  if (spec.slots.length !== spec.labels.length || spec.labels.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'The combined head needs one slot per label', {
      field: 'slots',
      expected: `${spec.labels.length} slots (one per label, at least one)`,
      received: `${spec.slots.length} slots`,
    });
  }
  if (!(Number.isFinite(spec.mappedScale) && spec.mappedScale > 0) || !Number.isFinite(spec.mappedOffset)) {
    throw new NoiseClassifierError('E_CONFIG', 'Invalid combiner parameters', {
      field: 'mappedScale',
      expected: 'mappedScale > 0 and a finite mappedOffset',
      received: `${spec.mappedScale}, ${spec.mappedOffset}`,
    });
  }
  spec.slots.forEach((s, j) => {
    if (s.source === 'mapped' && (s.classes.length === 0 || s.classes.some((c) => !Number.isInteger(c.index) || c.index < 0 || c.index >= 527 || !(c.weight > 0 && c.weight <= 1)))) {
      throw new NoiseClassifierError('E_CONFIG', `Mapped slot ${spec.labels[j]} has invalid AudioSet classes`, {
        field: `slots[${j}].classes`,
        expected: 'one or more { index in [0, 527), weight in (0, 1] }',
        received: describeValue(s.classes),
      });
    }
  });
}
