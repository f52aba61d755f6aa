import { LABEL_SOURCES, NoiseClassifierError, describeValue, type LabelSource } from '@noise-classifier/config';
import type { ClassificationMetadata, ClassificationResult, WindowResult } from '../core/classification-result';

/** The seed's snake_case result, as sent over HTTP, printed by `--json` and returned by the legacy API. */
export interface WireWindow {
  start_seconds: number;
  end_seconds: number;
  label: string;
  confidence: number;
}

export interface WireClassificationMetadata {
  untrained: boolean;
  model_version: string;
  architecture: string;
  backend: string;
  window_count: number;
  aggregation: string;
}

/** One AudioSet class of `audioset_tags`. */
export interface WireAudioSetTag {
  index: number;
  mid: string;
  name: string;
  score: number;
}

export interface WireClassification {
  predicted_class: string;
  confidence: number;
  probabilities: Record<string, number>;
  top_k: [string, number][];
  duration_seconds: number;
  windows?: WireWindow[];
  metadata?: WireClassificationMetadata;
  label_sources?: Record<string, LabelSource>;
  audioset_tags?: WireAudioSetTag[];
}

/** The one place a classification becomes snake_case. */
export function toWireClassification(result: ClassificationResult): WireClassification {
  const wire: WireClassification = {
    predicted_class: result.predictedClass,
    confidence: result.confidence,
    probabilities: { ...result.probabilities },
    top_k: result.topK.map(([label, p]) => [label, p]),
    duration_seconds: result.durationSeconds,
  };
  if (result.windows) {
    wire.windows = result.windows.map((w) => ({
      start_seconds: w.startSeconds,
      end_seconds: w.endSeconds,
      label: w.label,
      confidence: w.confidence,
    }));
  }
  if (result.metadata) {
    const m = result.metadata;
    wire.metadata = {
      untrained: m.untrained,
      model_version: m.modelVersion,
      architecture: m.architecture,
      backend: m.backend,
      window_count: m.windowCount,
      aggregation: m.aggregation,
    };
  }
  if (result.labelSources) wire.label_sources = { ...result.labelSources };
  if (result.audioSetTags) wire.audioset_tags = result.audioSetTags.map((t) => ({ index: t.index, mid: t.mid, name: t.name, score: t.score }));
  return wire;
}

/** The inverse of `toWireClassification`; validates the shape so bad JSON fails loudly. */
export function fromWireClassification(input: unknown): ClassificationResult {
  const wire = expectObject(input, 'classification');
  const result: ClassificationResult = {
    predictedClass: expectString(wire.predicted_class, 'predicted_class'),
    confidence: expectNumber(wire.confidence, 'confidence'),
    probabilities: expectRecordOfNumbers(wire.probabilities, 'probabilities'),
    topK: expectArray(wire.top_k, 'top_k').map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(`top_k[${i}]`, 'a [label, probability] pair', pair);
      return [expectString(pair[0], `top_k[${i}][0]`), expectNumber(pair[1], `top_k[${i}][1]`)] as [string, number];
    }),
    durationSeconds: wire.duration_seconds === undefined ? 0 : expectNumber(wire.duration_seconds, 'duration_seconds'),
  };
  if (wire.windows !== undefined) {
    result.windows = expectArray(wire.windows, 'windows').map((raw, i): WindowResult => {
      const w = expectObject(raw, `windows[${i}]`);
      return {
        startSeconds: expectNumber(w.start_seconds, `windows[${i}].start_seconds`),
        endSeconds: expectNumber(w.end_seconds, `windows[${i}].end_seconds`),
        label: expectString(w.label, `windows[${i}].label`),
        confidence: expectNumber(w.confidence, `windows[${i}].confidence`),
      };
    });
  }
  if (wire.metadata !== undefined) {
    const m = expectObject(wire.metadata, 'metadata');
    const metadata: ClassificationMetadata = {
      untrained: m.untrained === true,
      modelVersion: expectString(m.model_version, 'metadata.model_version'),
      architecture: expectString(m.architecture, 'metadata.architecture'),
      backend: expectString(m.backend, 'metadata.backend'),
      windowCount: expectNumber(m.window_count, 'metadata.window_count'),
      aggregation: expectString(m.aggregation, 'metadata.aggregation') as ClassificationMetadata['aggregation'],
    };
    result.metadata = metadata;
  }
  if (wire.label_sources !== undefined) {
    const sources = expectObject(wire.label_sources, 'label_sources');
    result.labelSources = Object.fromEntries(
      Object.entries(sources).map(([label, source]) => {
        if (!LABEL_SOURCES.includes(source as LabelSource)) fail(`label_sources.${label}`, LABEL_SOURCES.join(' | '), source);
        return [label, source as LabelSource];
      }),
    );
  }
  if (wire.audioset_tags !== undefined) {
    result.audioSetTags = expectArray(wire.audioset_tags, 'audioset_tags').map((raw, i) => {
      const t = expectObject(raw, `audioset_tags[${i}]`);
      return {
        index: expectNumber(t.index, `audioset_tags[${i}].index`),
        mid: expectString(t.mid, `audioset_tags[${i}].mid`),
        name: expectString(t.name, `audioset_tags[${i}].name`),
        score: expectNumber(t.score, `audioset_tags[${i}].score`),
      };
    });
  }
  return result;
}

// Small shape checks shared by the wire converters.
export function fail(field: string, expected: string, value: unknown): never {
  throw new NoiseClassifierError('E_CONFIG', `Invalid wire value for ${field}`, {
    field,
    expected,
    received: describeValue(value),
  });
}

export function expectObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}

export function expectString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

export function expectNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'a finite number', value);
  return value;
}

export function expectArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, 'an array', value);
  return value;
}

export function expectNumberArray(value: unknown, field: string): number[] {
  return expectArray(value, field).map((x, i) => expectNumber(x, `${field}[${i}]`));
}

export function expectRecordOfNumbers(value: unknown, field: string): Record<string, number> {
  const obj = expectObject(value, field);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, expectNumber(v, `${field}.${k}`)]));
}

/** The classification response of the HTTP API: the seed MLService's keys beside the v2 result's. */
export interface WireServiceResponse {
  noise_type: string;
  confidence: number;
  all_predictions: Record<string, number>;
  model_version: string;
  predicted_class: string;
  top_k: [string, number][];
  duration_seconds?: number;
  label_sources?: Record<string, LabelSource>;
}

/**
 * A wire result as the HTTP API answers it: `noise_type` / `all_predictions` / `model_version` (the seed's MLService)
 * plus `predicted_class`, `top_k` (recomputed to the request's k), `duration_seconds` and `label_sources`.
 */
export function toWireServiceResponse(
  result: Pick<WireClassification, 'predicted_class' | 'confidence' | 'probabilities' | 'top_k'> & Partial<Pick<WireClassification, 'duration_seconds' | 'label_sources'>>,
  options: { readonly modelVersion: string; readonly topK: number; readonly durationSeconds?: number },
): WireServiceResponse {
  const ranked = Object.entries(result.probabilities).sort((a, b) => b[1] - a[1]);
  const durationSeconds = result.duration_seconds ?? options.durationSeconds;
  return {
    noise_type: result.predicted_class,
    confidence: result.confidence,
    all_predictions: result.probabilities,
    model_version: options.modelVersion,
    predicted_class: result.predicted_class,
    top_k: (ranked.length > 0 ? ranked : result.top_k).slice(0, options.topK),
    ...(durationSeconds === undefined ? {} : { duration_seconds: durationSeconds }),
    ...(result.label_sources ? { label_sources: result.label_sources } : {}),
  };
}
