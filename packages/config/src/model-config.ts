import { NoiseClassifierError } from './errors';
import { checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptional, checkString, checkStringArray } from './field-checks';
import { normalizeKeys } from './keys';
import { NOISE_LABELS } from './taxonomy';

export type InputChannels = 1 | 3;

export interface ModelConfig {
  /** Output size; defaults to the number of labels (59 for the default taxonomy). */
  readonly numClasses: number;
  /** Class names in output order; defaults to the seed's taxonomy. */
  readonly labels: readonly string[];
  /** Classifier dropout probability. */
  readonly dropout: number;
  /**
   * Start from pretrained weights. ImageNet weights cannot be downloaded here, so this requires
   * `pretrainedWeightsPath` (one of our own exported checkpoints).
   */
  readonly pretrained: boolean;
  readonly pretrainedWeightsPath?: string;
  /** Registered architecture name, e.g. 'efficientnet_b0' … 'efficientnet_b3', 'cnn_small', 'efficientat_mn04'. */
  readonly architecture: string;
  /** 1 = log-mel; 3 = log-mel, delta, delta-delta. */
  readonly inputChannels: InputChannels;
  /** Stochastic depth (drop-connect) rate for EfficientNet blocks. */
  readonly stochasticDepthRate: number;
}

export const MODEL_CONFIG_KEYS = [
  'numClasses', 'labels', 'dropout', 'pretrained', 'pretrainedWeightsPath', 'architecture', 'inputChannels',
  'stochasticDepthRate',
] as const satisfies readonly (keyof ModelConfig)[];

export const DEFAULT_ARCHITECTURE = 'efficientnet_b3';

export function createModelConfig(input: Partial<ModelConfig> | Record<string, unknown> = {}): ModelConfig {
  const v = normalizeKeys('ModelConfig', input, MODEL_CONFIG_KEYS, { in_channels: 'inputChannels' });
  const labels = v.labels === undefined ? [...NOISE_LABELS] : checkStringArray('labels', v.labels);
  const numClasses = checkInteger('numClasses', v.numClasses ?? labels.length, 1, 100_000);
  if (numClasses !== labels.length) {
    throw new NoiseClassifierError('E_CONFIG', 'numClasses does not match the number of labels', {
      field: 'numClasses',
      expected: `${labels.length} (the number of labels)`,
      received: String(numClasses),
    });
  }
  const pretrained = checkBoolean('pretrained', v.pretrained ?? false);
  const pretrainedWeightsPath = checkOptional(v.pretrainedWeightsPath, (x) => checkString('pretrainedWeightsPath', x));
  if (pretrained && pretrainedWeightsPath === undefined) {
    throw new NoiseClassifierError(
      'E_CONFIG',
      'pretrained: true needs local weights: ImageNet weights are never downloaded. Set pretrainedWeightsPath to a checkpoint exported by this project, or use pretrained: false',
      { field: 'pretrainedWeightsPath', expected: 'a path to a local checkpoint', received: 'nothing' },
    );
  }
  return Object.freeze({
    numClasses,
    labels: Object.freeze(labels),
    dropout: checkNumber('dropout', v.dropout ?? 0.3, { min: 0, max: 1, maxExclusive: true }),
    pretrained,
    ...(pretrainedWeightsPath === undefined ? {} : { pretrainedWeightsPath }),
    architecture: checkString('architecture', v.architecture ?? DEFAULT_ARCHITECTURE, /^[a-z][a-z0-9_]*$/),
    inputChannels: checkOneOf('inputChannels', v.inputChannels ?? 1, [1, 3] as const),
    stochasticDepthRate: checkNumber('stochasticDepthRate', v.stochasticDepthRate ?? 0.2, { min: 0, max: 1, maxExclusive: true }),
  });
}
