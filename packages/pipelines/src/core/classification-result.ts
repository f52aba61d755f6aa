import type { LabelSource, WindowAggregation } from '@noise-classifier/config';

/** One AudioSet class and its score (models with an AudioSet output). */
export interface AudioSetTag {
  /** Model-output index (0–526). */
  index: number;
  mid: string;
  name: string;
  /** Sigmoid score in [0, 1]. */
  score: number;
}

/** One analysis window of a long clip (the optional timeline). */
export interface WindowResult {
  startSeconds: number;
  endSeconds: number;
  label: string;
  confidence: number;
}

/** Where a result came from; `untrained: true` marks random weights (tests, benchmarks). */
export interface ClassificationMetadata {
  untrained: boolean;
  /** Producer version and creation date of the model file. */
  modelVersion: string;
  architecture: string;
  backend: string;
  windowCount: number;
  aggregation: WindowAggregation;
}

/** The seed's `classify()` result in camelCase; `toWireClassification` gives the snake_case form. */
export interface ClassificationResult {
  predictedClass: string;
  confidence: number;
  probabilities: Record<string, number>;
  /** Highest first. */
  topK: [string, number][];
  durationSeconds: number;
  windows?: WindowResult[];
  metadata?: ClassificationMetadata;
  /**
   * Where each label's probability comes from: `trained` (the model's own head), `mapped` (AudioSet evidence through
   * `AUDIOSET_LABEL_MAP`) or `none` (no evidence; probability 0). Same keys as `probabilities`.
   */
  labelSources?: Record<string, LabelSource>;
  /** The highest-scoring AudioSet classes (`classify({ audioSetTopK })`), highest first. */
  audioSetTags?: AudioSetTag[];
}
