import { EFFICIENTAT_MN04_FEATURE_CONFIG, NoiseClassifierError, createAudioFeatureConfig, type AudioFeatureConfig } from '@noise-classifier/config';
import {
  EFFICIENTAT_EMBEDDING_LAYER,
  EFFICIENTAT_WIDTHS,
  buildEfficientAtMn,
  loadEfficientAtWeights,
  readEfficientAtWeights,
  type TfModule,
} from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';
import { joinLocation } from '@noise-classifier/pipelines';

/** What a pretrained backbone is: its weights file in the folder, the network and the front end it expects. */
export interface PretrainedBackboneSpec {
  /** The name `train --pretrained <name>` accepts, also the folder name under a pretrained root. */
  readonly name: string;
  /** Folder name under `../shared/pretrained` (or another root). */
  readonly folder: string;
  /** The weights file inside the folder. */
  readonly weightsFile: string;
  readonly architecture: string;
  readonly widthMultiplier: number;
  /** The front end the weights were trained with (model windows of `spectrogramWidth` frames). */
  readonly featureConfig: AudioFeatureConfig;
  readonly embeddingSize: number;
  readonly audioSetClasses: number;
  /** Where the weights come from and under which licence (goes into every derived model's metadata). */
  readonly provenance: string;
  readonly licence: string;
}

export const EFFICIENTAT_MN04: PretrainedBackboneSpec = Object.freeze({
  name: 'efficientat_mn04',
  folder: 'efficientat-mn04-as',
  weightsFile: 'mn04_as.safetensors',
  architecture: 'efficientat_mn04',
  widthMultiplier: EFFICIENTAT_WIDTHS.mn04,
  featureConfig: EFFICIENTAT_MN04_FEATURE_CONFIG,
  embeddingSize: 384,
  audioSetClasses: 527,
  provenance: 'EfficientAT mn04_as (AudioSet mAP 0.432), Florian Schmid, GitHub fschmid56/EfficientAT; weights mn04_as_mAP_432.pt converted to safetensors',
  licence: 'MIT License, Copyright (c) 2022 Florian Schmid',
});

/** Every backbone `--pretrained` knows, by name. */
export const PRETRAINED_BACKBONES: ReadonlyMap<string, PretrainedBackboneSpec> = new Map([[EFFICIENTAT_MN04.name, EFFICIENTAT_MN04]]);

export interface LoadPretrainedOptions {
  readonly tf: TfModule;
  /** Reads a file (Node: fs; browsers: fetch); a failure means the file is missing. */
  readonly readFile: (location: string) => Promise<Uint8Array>;
  /** Which backbone the folder holds (default: efficientat_mn04). */
  readonly spec?: PretrainedBackboneSpec;
  /** Frames per model window (the deployed model's fixed input width); default the spec's front end. */
  readonly windowFrames?: number;
}

/** A pretrained network with its weights loaded, ready to embed windows or to take a new head. */
export interface PretrainedBackbone {
  readonly spec: PretrainedBackboneSpec;
  /** The weights file read (named in errors and recorded in metadata). */
  readonly weightsLocation: string;
  /** The front end of the derived model: the spec's, with the chosen window width. */
  readonly featureConfig: AudioFeatureConfig;
  /** The whole network: NHWC log-mel window [128 × frames × 1] → AudioSet logits. */
  readonly model: tfType.LayersModel;
  /** The pooled embedding (the input of AudioSet's classifier). */
  readonly embedding: tfType.SymbolicTensor;
  /** The AudioSet logits. */
  readonly audioSetLogits: tfType.SymbolicTensor;
}

/**
 * Loads the pretrained backbone from a folder (as `resolvePretrainedLocation` returns): reads its weights file,
 * builds the network with a fixed window width and copies every tensor in. A missing file is E_MODEL_NOT_FOUND, a
 * truncated or lying file E_MODEL_FORMAT, weights of another network E_MODEL_MISMATCH — each naming the file
 * (and the tensor where one is at fault).
 */
export async function loadPretrainedBackbone(folder: string, options: LoadPretrainedOptions): Promise<PretrainedBackbone> {
  const spec = options.spec ?? EFFICIENTAT_MN04;
  const frames = options.windowFrames ?? spec.featureConfig.spectrogramWidth;
  if (!Number.isInteger(frames) || frames < 32) {
    throw new NoiseClassifierError('E_CONFIG', 'The pretrained backbone needs windows of at least 32 frames', {
      field: 'windowFrames', expected: `an integer ≥ 32 (the network downsamples time 32×)`, received: String(frames),
    });
  }
  const featureConfig = createAudioFeatureConfig({ ...spec.featureConfig, spectrogramWidth: frames });
  const weightsLocation = joinLocation(folder, spec.weightsFile);
  const file = await readEfficientAtWeights(weightsLocation, async (location) => {
    try {
      return await options.readFile(location);
    } catch (cause) {
      throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `The pretrained weights ${location} could not be read (is ${folder} the ${spec.folder} folder?)`, {
        field: '--pretrained', expected: `a folder holding ${spec.weightsFile}`, received: location, cause,
      });
    }
  });
  const model = buildEfficientAtMn(options.tf, {
    widthMultiplier: spec.widthMultiplier,
    numClasses: spec.audioSetClasses,
    inputShape: [featureConfig.spectrogramHeight, frames, 1],
    dropout: 0,
    name: spec.architecture,
  });
  try {
    loadEfficientAtWeights(options.tf, model, file, { source: weightsLocation, featureConfig });
  } catch (error) {
    model.dispose();
    throw error;
  }
  for (const layer of model.layers) layer.trainable = false;
  const embedding = model.getLayer(EFFICIENTAT_EMBEDDING_LAYER).output as tfType.SymbolicTensor;
  return { spec, weightsLocation, featureConfig, model, embedding, audioSetLogits: model.outputs[0]! };
}
