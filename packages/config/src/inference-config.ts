import { checkInteger, checkNullable, checkNumber, checkOneOf, checkOptional, checkString } from './field-checks';
import { normalizeKeys } from './keys';

export type InferenceDevice = 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu';
export type InferenceBackendName = 'auto' | 'onnxruntime-node' | 'onnxruntime-web' | 'tfjs';
export type WindowAggregation = 'mean' | 'max';

export interface InferenceConfig {
  /** Model file (ONNX). Undefined means the bundled default model. */
  readonly modelPath?: string;
  readonly device: InferenceDevice;
  readonly returnTopK: number;
  /** Which runtime adapter runs the model; 'auto' takes the first registered one that loads. */
  readonly backend: InferenceBackendName;
  /** Intra-op threads for the runtime; undefined lets the runtime choose. */
  readonly numThreads?: number;
  /** Hop between analysis windows of long audio, in seconds; null = half a window. */
  readonly hopSeconds: number | null;
  /** How window probabilities combine into one clip result. */
  readonly aggregation: WindowAggregation;
  /** Largest number of windows sent to the model in one call. */
  readonly maxBatchSize: number;
}

export const INFERENCE_CONFIG_KEYS = [
  'modelPath', 'device', 'returnTopK', 'backend', 'numThreads', 'hopSeconds', 'aggregation', 'maxBatchSize',
] as const satisfies readonly (keyof InferenceConfig)[];

export function createInferenceConfig(input: Partial<InferenceConfig> | Record<string, unknown> = {}): InferenceConfig {
  const v = normalizeKeys('InferenceConfig', input, INFERENCE_CONFIG_KEYS, { return_top_k: 'returnTopK' });
  const modelPath = checkOptional(v.modelPath, (x) => checkString('modelPath', x));
  const numThreads = checkOptional(v.numThreads, (x) => checkInteger('numThreads', x, 1, 1024));
  return Object.freeze({
    ...(modelPath === undefined ? {} : { modelPath }),
    device: checkOneOf('device', v.device ?? 'cpu', ['auto', 'cpu', 'cuda', 'wasm', 'webgpu'] as const),
    returnTopK: checkInteger('returnTopK', v.returnTopK ?? 5, 1, 100_000),
    backend: checkOneOf('backend', v.backend ?? 'auto', ['auto', 'onnxruntime-node', 'onnxruntime-web', 'tfjs'] as const),
    ...(numThreads === undefined ? {} : { numThreads }),
    hopSeconds: checkNullable(v.hopSeconds === undefined ? null : v.hopSeconds, (x) =>
      checkNumber('hopSeconds', x, { min: 0, minExclusive: true, max: 3600 }),
    ),
    aggregation: checkOneOf('aggregation', v.aggregation ?? 'mean', ['mean', 'max'] as const),
    maxBatchSize: checkInteger('maxBatchSize', v.maxBatchSize ?? 32, 1, 4096),
  });
}
