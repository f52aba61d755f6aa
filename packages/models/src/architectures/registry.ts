import {
  NoiseClassifierError,
  createAudioFeatureConfig,
  createModelConfig,
  describeValue,
  type AudioFeatureConfig,
  type AudioFeatureConfigInput,
  type ModelConfig,
} from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import { loadTf, type TfModule } from '../tfjs-loader';
import { buildCnnSmall } from './cnn-small';
import { EFFICIENTNET_SCALING, efficientNetBuilder } from './efficientnet';
import { EFFICIENTAT_WIDTHS, efficientAtBuilder } from './efficientat-mn';
import { applyPretrainedWeights, type PretrainedWeightsLoader } from './pretrained';
import type { ArchitectureBuilder } from './types';
import type { TfjsModelFiles } from '../tfjs-format/tfjs-model-files';

const builders = new Map<string, ArchitectureBuilder>([
  ['efficientnet_b0', efficientNetBuilder(EFFICIENTNET_SCALING.b0)],
  ['efficientnet_b1', efficientNetBuilder(EFFICIENTNET_SCALING.b1)],
  ['efficientnet_b2', efficientNetBuilder(EFFICIENTNET_SCALING.b2)],
  ['efficientnet_b3', efficientNetBuilder(EFFICIENTNET_SCALING.b3)],
  ['cnn_small', buildCnnSmall],
  ['efficientat_mn04', efficientAtBuilder(EFFICIENTAT_WIDTHS.mn04)],
]);

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Adds (or replaces) an architecture under the name `ModelConfig.architecture` refers to. */
export function registerArchitecture(name: string, builder: ArchitectureBuilder): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new NoiseClassifierError('E_CONFIG', 'Architecture names are lower-case identifiers', {
      field: 'name',
      expected: 'a name matching /^[a-z][a-z0-9_]*$/',
      received: describeValue(name),
    });
  }
  if (typeof builder !== 'function') {
    throw new NoiseClassifierError('E_CONFIG', `Architecture ${name} needs a builder function`, {
      field: 'builder',
      expected: 'a function (context) => tf.LayersModel',
      received: describeValue(builder),
    });
  }
  builders.set(name, builder);
}

/** Names of every registered architecture, sorted. */
export function listArchitectures(): string[] {
  return [...builders.keys()].sort();
}

export interface BuildModelOptions {
  /** A tfjs module to use instead of the lazily imported @tensorflow/tfjs. */
  readonly tf?: TfModule;
  /** Seeds weight initialisation for reproducible untrained models. */
  readonly seed?: number;
  /**
   * Reads `modelConfig.pretrainedWeightsPath` when `pretrained` is true (core packages do no file I/O;
   * runtime-node provides a file-system loader). Returns the checkpoint's tfjs-format files.
   */
  readonly loadWeights?: PretrainedWeightsLoader;
  /** The checkpoint's files already in memory (e.g. fetched in a browser); used instead of `loadWeights`. */
  readonly pretrainedWeights?: TfjsModelFiles;
}

/**
 * Builds the model named by `modelConfig.architecture` with input [spectrogramHeight, spectrogramWidth,
 * inputChannels] (NHWC) and `numClasses` logits. With `pretrained: true` the weights of a local checkpoint are
 * loaded through `options.loadWeights`.
 */
export async function buildModel(
  modelConfigInput: ModelConfig | Record<string, unknown>,
  featureConfigInput: AudioFeatureConfig | AudioFeatureConfigInput = {},
  options: BuildModelOptions = {},
): Promise<Tf.LayersModel> {
  const modelConfig = createModelConfig(modelConfigInput);
  const featureConfig = createAudioFeatureConfig(featureConfigInput);
  const builder = builders.get(modelConfig.architecture);
  if (builder === undefined) {
    throw new NoiseClassifierError('E_CONFIG', `Unknown architecture ${JSON.stringify(modelConfig.architecture)}`, {
      field: 'architecture',
      expected: `one of ${listArchitectures().join(', ')} (or a name added with registerArchitecture)`,
      received: JSON.stringify(modelConfig.architecture),
    });
  }
  const preloaded = options.pretrainedWeights;
  const loadWeights: PretrainedWeightsLoader | undefined = preloaded !== undefined ? async () => preloaded : options.loadWeights;
  if (modelConfig.pretrained && loadWeights === undefined) {
    throw new NoiseClassifierError(
      'E_CONFIG',
      `pretrained: true needs a weights loader to read ${modelConfig.pretrainedWeightsPath ?? 'the checkpoint'}: ImageNet weights are never downloaded. Pass options.loadWeights (runtime-node provides one for local files) or options.pretrainedWeights, or set pretrained: false`,
      { field: 'loadWeights', expected: 'a function (path) => Promise<TfjsModelFiles> or pretrainedWeights files', received: 'undefined' },
    );
  }
  const tf = options.tf ?? (await loadTf());
  const model = builder({
    tf,
    modelConfig,
    featureConfig,
    inputShape: [featureConfig.spectrogramHeight, featureConfig.spectrogramWidth, modelConfig.inputChannels],
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if (modelConfig.pretrained) {
    try {
      await applyPretrainedWeights(tf, model, modelConfig.pretrainedWeightsPath!, loadWeights!);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return model;
}
