import {
  LABEL_SOURCES,
  NoiseClassifierError,
  createAudioFeatureConfig,
  createModelConfig,
  describeValue,
  toSnakeCaseKeys,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
  type LabelSource,
  type ModelConfig,
} from '@noise-classifier/config';
import type { ModelMetadata } from './backend';

/** Written into every file we produce (ONNX producer_name, tfjs generatedBy). */
export const PRODUCER_NAME = '@noise-classifier/models';
/** Version of this package; kept in step with package.json by the release process. */
export const PRODUCER_VERSION = '0.1.0';

/** Keys of our metadata in ONNX `metadata_props` and tfjs `userDefinedMetadata` (snake_case: a wire format). */
export const METADATA_KEYS = {
  labels: 'labels',
  featureConfig: 'feature_config',
  modelConfig: 'model_config',
  producerVersion: 'producer_version',
  untrained: 'untrained',
  createdAt: 'created_at',
  trainingMetrics: 'training_metrics',
  labelSources: 'label_sources',
} as const;

export interface ModelMetadataInput {
  readonly featureConfig: AudioFeatureConfig | AudioFeatureConfigInput;
  readonly modelConfig: ModelConfig | Record<string, unknown>;
  /** Defaults to `modelConfig.labels`. */
  readonly labels?: readonly string[];
  readonly untrained?: boolean;
  readonly createdAt?: string;
  readonly trainingMetrics?: Readonly<Record<string, unknown>>;
  /** One source per label (`trained`, `mapped`, `none`); see `ModelMetadata.labelSources`. */
  readonly labelSources?: Readonly<Record<string, LabelSource>>;
}

/** Validates and freezes model metadata; labels must match `modelConfig.numClasses`. */
export function createModelMetadata(input: ModelMetadataInput): ModelMetadata {
  const featureConfig = createAudioFeatureConfig(input.featureConfig);
  const base = createModelConfig(input.modelConfig);
  const labels = input.labels === undefined ? [...base.labels] : [...input.labels];
  const modelConfig = labels.length === base.labels.length && labels.every((l, i) => l === base.labels[i])
    ? base
    : createModelConfig({ ...base, labels, numClasses: labels.length });
  return Object.freeze({
    labels: Object.freeze(labels),
    featureConfig,
    modelConfig,
    producerVersion: PRODUCER_VERSION,
    untrained: input.untrained ?? false,
    ...(input.createdAt === undefined ? {} : { createdAt: input.createdAt }),
    ...(input.trainingMetrics === undefined ? {} : { trainingMetrics: Object.freeze({ ...input.trainingMetrics }) }),
    ...(input.labelSources === undefined ? {} : { labelSources: checkLabelSources(input.labelSources, labels, 'labelSources') }),
  });
}

/** Label sources must name every label once, each with a known source; returned frozen in label order. */
function checkLabelSources(value: unknown, labels: readonly string[], field: string): Readonly<Record<string, LabelSource>> {
  const expected = `an object with one of ${LABEL_SOURCES.join(' | ')} for each of the ${labels.length} labels`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `Invalid ${field}`, { field, expected, received: describeValue(value) });
  }
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).find((k) => !labels.includes(k));
  if (extra !== undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${field} names ${extra}, which is not a label of the model`, { field: `${field}.${extra}`, expected, received: extra });
  }
  const out: Record<string, LabelSource> = {};
  for (const label of labels) {
    const source = record[label];
    if (!LABEL_SOURCES.includes(source as LabelSource)) {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `Invalid ${field} entry for ${label}`, {
        field: `${field}.${label}`,
        expected: LABEL_SOURCES.join(' | '),
        received: describeValue(source),
      });
    }
    out[label] = source as LabelSource;
  }
  return Object.freeze(out);
}

/** Serialises metadata to the string map stored in model files. */
export function metadataToProps(metadata: ModelMetadata): Record<string, string> {
  const props: Record<string, string> = {
    [METADATA_KEYS.labels]: JSON.stringify(metadata.labels),
    [METADATA_KEYS.featureConfig]: JSON.stringify(toSnakeCaseKeys(metadata.featureConfig)),
    [METADATA_KEYS.modelConfig]: JSON.stringify(toSnakeCaseKeys(metadata.modelConfig)),
    [METADATA_KEYS.producerVersion]: metadata.producerVersion,
    [METADATA_KEYS.untrained]: String(metadata.untrained),
  };
  if (metadata.createdAt !== undefined) props[METADATA_KEYS.createdAt] = metadata.createdAt;
  if (metadata.trainingMetrics !== undefined) props[METADATA_KEYS.trainingMetrics] = JSON.stringify(metadata.trainingMetrics);
  if (metadata.labelSources !== undefined) props[METADATA_KEYS.labelSources] = JSON.stringify(metadata.labelSources);
  return props;
}

/** Labels and feature config supplied by the caller for model files that lack (or should override) our metadata. */
export interface MetadataOverrides {
  readonly labels?: readonly string[];
  readonly featureConfig?: AudioFeatureConfig | AudioFeatureConfigInput;
  readonly modelConfig?: ModelConfig | Record<string, unknown>;
}

/**
 * Reads metadata back from a model file's string map. Files without our metadata need `labels` and
 * `featureConfig` from the caller; anything malformed is E_MODEL_FORMAT naming the key.
 * `numOutputs`, when known, must equal the number of labels (E_MODEL_MISMATCH otherwise).
 */
export function metadataFromProps(
  props: Readonly<Record<string, string>>,
  options: MetadataOverrides & { readonly numOutputs?: number; readonly inputChannels?: number; readonly source?: string } = {},
): ModelMetadata {
  const source = options.source ?? 'the model file';
  const has = (key: string) => Object.prototype.hasOwnProperty.call(props, key);
  const ours = has(METADATA_KEYS.labels) || has(METADATA_KEYS.featureConfig);
  if (!ours && (options.labels === undefined || options.featureConfig === undefined)) {
    throw new NoiseClassifierError(
      'E_MODEL_FORMAT',
      `${capitalise(source)} carries no @noise-classifier metadata (labels, feature_config); pass labels and featureConfig explicitly to use a model from another tool`,
      { field: 'metadata_props', expected: `keys ${METADATA_KEYS.labels} and ${METADATA_KEYS.featureConfig}`, received: describeKeys(props) },
    );
  }
  const labels = options.labels !== undefined ? [...options.labels] : parseLabels(props, source);
  const featureConfig = wrapConfig(METADATA_KEYS.featureConfig, source, () =>
    createAudioFeatureConfig(options.featureConfig ?? parseJsonObject(props, METADATA_KEYS.featureConfig, source)),
  );
  const modelConfigInput: Record<string, unknown> = options.modelConfig !== undefined
    ? { ...options.modelConfig }
    : has(METADATA_KEYS.modelConfig)
      ? parseJsonObject(props, METADATA_KEYS.modelConfig, source)
      : { architecture: 'external', ...(options.inputChannels === 1 || options.inputChannels === 3 ? { inputChannels: options.inputChannels } : {}) };
  delete modelConfigInput.num_classes;
  delete modelConfigInput.numClasses;
  const modelConfig = wrapConfig(METADATA_KEYS.modelConfig, source, () =>
    createModelConfig({ ...modelConfigInput, labels, pretrained: false, pretrainedWeightsPath: undefined }),
  );
  if (options.numOutputs !== undefined && options.numOutputs !== labels.length) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${capitalise(source)} has ${options.numOutputs} outputs but ${labels.length} labels`, {
      field: 'labels',
      expected: `${options.numOutputs} labels (the size of the logits output)`,
      received: `${labels.length} labels`,
    });
  }
  const untrainedText = props[METADATA_KEYS.untrained];
  let trainingMetrics: Record<string, unknown> | undefined;
  if (has(METADATA_KEYS.trainingMetrics)) trainingMetrics = parseJsonObject(props, METADATA_KEYS.trainingMetrics, source);
  return Object.freeze({
    labels: Object.freeze(labels),
    featureConfig,
    modelConfig,
    producerVersion: props[METADATA_KEYS.producerVersion] ?? 'unknown',
    untrained: untrainedText === 'true',
    ...(props[METADATA_KEYS.createdAt] === undefined ? {} : { createdAt: props[METADATA_KEYS.createdAt] }),
    ...(trainingMetrics === undefined ? {} : { trainingMetrics: Object.freeze(trainingMetrics) }),
    ...(has(METADATA_KEYS.labelSources) && options.labels === undefined
      ? { labelSources: checkLabelSources(parseJsonObject(props, METADATA_KEYS.labelSources, source), labels, METADATA_KEYS.labelSources) }
      : {}),
  });
}

function parseLabels(props: Readonly<Record<string, string>>, source: string): string[] {
  const text = props[METADATA_KEYS.labels];
  const value = parseJson(text, METADATA_KEYS.labels, source);
  if (!Array.isArray(value) || value.length === 0 || !value.every((l) => typeof l === 'string' && l.length > 0)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} has an invalid labels entry`, {
      field: METADATA_KEYS.labels,
      expected: 'a JSON array of non-empty strings',
      received: describeValue(value),
    });
  }
  if (new Set(value).size !== value.length) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} lists a label twice`, {
      field: METADATA_KEYS.labels,
      expected: 'distinct labels',
      received: `${value.length - new Set(value).size} duplicate(s)`,
    });
  }
  return value as string[];
}

function parseJsonObject(props: Readonly<Record<string, string>>, key: string, source: string): Record<string, unknown> {
  const value = parseJson(props[key], key, source);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} has an invalid ${key} entry`, {
      field: key,
      expected: 'a JSON object',
      received: describeValue(value),
    });
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string | undefined, key: string, source: string): unknown {
  if (text === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} lacks the ${key} metadata entry`, {
      field: key,
      expected: 'a JSON value',
      received: 'nothing',
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} has a ${key} entry that is not valid JSON`, {
      field: key,
      expected: 'JSON',
      received: describeValue(text),
      cause,
    });
  }
}

function wrapConfig<T>(key: string, source: string, make: () => T): T {
  try {
    return make();
  } catch (cause) {
    if (cause instanceof NoiseClassifierError && cause.code === 'E_CONFIG') {
      throw new NoiseClassifierError('E_MODEL_FORMAT', `${capitalise(source)} has an invalid ${key}: ${cause.message}`, {
        field: `${key}.${cause.field ?? ''}`.replace(/\.$/, ''),
        cause,
      });
    }
    throw cause;
  }
}

function describeKeys(props: Readonly<Record<string, string>>): string {
  const keys = Object.keys(props);
  return keys.length === 0 ? 'no metadata_props' : `keys ${keys.slice(0, 8).join(', ')}`;
}

/**
 * Checks that a model's input `[channels, height, width]` is what its metadata promises the runtimes
 * (`modelConfig.inputChannels`, `featureConfig.spectrogramHeight/Width`): a mismatch would make every caller
 * prepare the wrong tensor, so it is E_MODEL_MISMATCH. Unknown (symbolic) dimensions are skipped.
 */
export function checkInputAgainstMetadata(
  metadata: ModelMetadata,
  input: readonly (number | string | null | undefined)[],
  source = 'the model',
): void {
  const expected = [metadata.modelConfig.inputChannels, metadata.featureConfig.spectrogramHeight, metadata.featureConfig.spectrogramWidth];
  const fields = ['modelConfig.inputChannels', 'featureConfig.spectrogramHeight', 'featureConfig.spectrogramWidth'];
  expected.forEach((want, i) => {
    const got = input[i];
    if (typeof got === 'number' && got !== want) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `The input of ${source} is [C, H, W] = [${input.join(', ')}] but its metadata describes [${expected.join(', ')}]`, {
        field: fields[i],
        expected: String(got),
        received: String(want),
      });
    }
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
