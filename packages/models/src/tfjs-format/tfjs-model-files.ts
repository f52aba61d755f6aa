import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '../backend';
import { PRODUCER_NAME, PRODUCER_VERSION, checkInputAgainstMetadata, metadataFromProps, metadataToProps, type MetadataOverrides } from '../metadata';
import { registerCustomLayers } from '../layers/stochastic-depth';
import { loadTf, type TfModule } from '../tfjs-loader';

/** Name of the weights file referenced from model.json. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';
/** Key of our metadata inside model.json's `userDefinedMetadata`. */
export const TFJS_METADATA_KEY = 'noise_classifier';

/**
 * A tfjs layers model as two files: `model.json` (topology, weight manifest, our metadata) and one
 * `weights.bin`. Platform-neutral: runtime-node / pipelines write them to disk.
 */
export interface TfjsModelFiles {
  readonly modelJson: string;
  readonly weightsBin: Uint8Array;
}

export interface TfjsFormatOptions {
  /** A tfjs module to use instead of the lazily imported @tensorflow/tfjs. */
  readonly tf?: TfModule;
}

/** Serialises a model with its metadata into tfjs-format files (model.json + weights.bin). */
export async function saveTfjsModel(
  model: Tf.LayersModel,
  metadata: ModelMetadata,
  options: TfjsFormatOptions = {},
): Promise<TfjsModelFiles> {
  const [, h, w, c] = model.inputs[0]?.shape ?? [];
  checkInputAgainstMetadata(metadata, [c, h, w], 'the tfjs model');
  const tf = options.tf ?? (await loadTf());
  let captured: Tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: false },
  );
  if (captured?.modelTopology === undefined || captured.weightSpecs === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'tfjs did not produce a topology and weights for this model', {
      field: 'model',
      expected: 'a tf.LayersModel',
      received: describeValue(model),
    });
  }
  const weightsBin = new Uint8Array(
    captured.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(captured.weightData),
  );
  const modelJson: Tf.io.ModelJSON = {
    modelTopology: captured.modelTopology as Tf.io.ModelJSON['modelTopology'],
    format: 'layers-model',
    generatedBy: `${PRODUCER_NAME} ${PRODUCER_VERSION}`,
    convertedBy: null,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: captured.weightSpecs }],
    userDefinedMetadata: { [TFJS_METADATA_KEY]: metadataToProps(metadata) },
  };
  return { modelJson: JSON.stringify(modelJson), weightsBin };
}

export interface LoadedTfjsModel {
  readonly model: Tf.LayersModel;
  readonly metadata: ModelMetadata;
}

/**
 * Loads tfjs-format files written by `saveTfjsModel` (or by tfjs itself, when `overrides` supplies labels and
 * a feature config). Malformed files are E_MODEL_FORMAT; a label count that differs from the output is E_MODEL_MISMATCH.
 */
export async function loadTfjsModel(
  files: TfjsModelFiles,
  options: TfjsFormatOptions & MetadataOverrides = {},
): Promise<LoadedTfjsModel> {
  const tf = options.tf ?? (await loadTf());
  registerCustomLayers(tf);
  const json = parseModelJson(files.modelJson);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = specs.reduce((n, spec) => n + weightByteLength(spec), 0);
  if (expectedBytes !== files.weightsBin.byteLength) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'weights.bin does not match the weight manifest in model.json (truncated or from another model)', {
      field: TFJS_WEIGHTS_FILE,
      expected: `${expectedBytes} bytes`,
      received: `${files.weightsBin.byteLength} bytes`,
    });
  }
  const weightData = files.weightsBin.slice().buffer;
  let model: Tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
    );
  } catch (cause) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `tfjs could not build the model in model.json: ${(cause as Error).message}`, {
      field: 'modelTopology',
      cause,
    });
  }
  const props = (json.userDefinedMetadata?.[TFJS_METADATA_KEY] ?? {}) as Record<string, string>;
  const outputShape = model.outputs[0]?.shape ?? [];
  try {
    const metadata = metadataFromProps(props, {
      ...options,
      source: 'model.json',
      numOutputs: outputShape[outputShape.length - 1] ?? undefined,
      inputChannels: model.inputs[0]?.shape[3] ?? undefined,
    });
    const [, h, w, c] = model.inputs[0]?.shape ?? [];
    checkInputAgainstMetadata(metadata, [c, h, w], 'model.json');
    return { model, metadata };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function parseModelJson(text: string): Tf.io.ModelJSON {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'model.json is not valid JSON', { field: 'model.json', expected: 'JSON', received: describeValue(text), cause });
  }
  const json = value as Partial<Tf.io.ModelJSON> | null;
  if (json === null || typeof json !== 'object' || typeof json.modelTopology !== 'object' || json.modelTopology === null || !Array.isArray(json.weightsManifest)) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', 'model.json is not a tfjs layers model', {
      field: 'model.json',
      expected: 'an object with modelTopology and weightsManifest',
      received: describeValue(value),
    });
  }
  return json as Tf.io.ModelJSON;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, int16: 2 };

function weightByteLength(spec: Tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((n, d) => n * d, 1);
  const bytes = spec.quantization ? DTYPE_BYTES[spec.quantization.dtype] : DTYPE_BYTES[spec.dtype];
  if (bytes === undefined) {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `model.json has weight ${spec.name} of an unsupported dtype`, {
      field: `weightsManifest.${spec.name}`,
      expected: 'float32, int32, bool or a quantised uint8/uint16/float16',
      received: describeValue(spec.dtype),
    });
  }
  return count * bytes;
}
