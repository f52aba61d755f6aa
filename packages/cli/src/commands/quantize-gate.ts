import { NoiseClassifierError } from '@noise-classifier/config';
import {
  activationsToCalibrate,
  calibrateActivations,
  calibrationModel,
  quantizeOnnx,
  quantizeOnnxStatic,
  readOnnxModelInfo,
  QUANTIZATION_METADATA_KEY,
} from '@noise-classifier/models';
import { NoiseClassifierService, evaluate, type NoiseDataset } from '@noise-classifier/pipelines';
import { nodeRuntime, onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';

/**
 * What `export --quantize` writes: `int8` static (calibrated uint8 activations, int8 weights: integer convolutions,
 * the fastest), `int8-weights` (int8 weights only, fp32 compute: smallest with no calibration), `fp16` (float16
 * weights, fp32 compute).
 */
export const CLI_QUANTIZATIONS = ['int8', 'int8-weights', 'fp16'] as const;
export type CliQuantization = (typeof CLI_QUANTIZATIONS)[number];

/** The default allowance: the quantised model's held-out top-1 may be at most 1 percentage point below fp32's. */
export const DEFAULT_MAX_ACCURACY_DROP = 1;
/** Clips whose windows calibrate the activation ranges of static int8 (evenly spread over the calibration set). */
export const DEFAULT_CALIBRATION_CLIPS = 64;

export interface QuantizedModel {
  readonly mode: CliQuantization;
  readonly bytes: Uint8Array;
  /** The `quantization` metadata entry. */
  readonly description: string;
  /** Windows the activation ranges came from (static int8 only). */
  readonly calibrationWindows?: number;
}

export interface QuantizeGateResult {
  readonly quantized: QuantizedModel;
  readonly clips: number;
  /** Clip-level top-1 accuracy in [0, 1]. */
  readonly fp32Accuracy: number;
  readonly quantizedAccuracy: number;
  /** fp32 minus quantised, in percentage points (negative when quantising helped). */
  readonly dropPoints: number;
}

/**
 * Quantises an fp32 ONNX model and measures both on the same held-out clips (onnxruntime-node, the full service:
 * features, windows, aggregation). Throws E_ACCURACY_GATE when the quantised model's top-1 falls more than
 * `maxDropPoints` below fp32's, so a caller writes the file only after this returns. Static int8 calibrates on
 * `calibration` (clips the gate does not use, when the caller has them).
 */
export async function quantizeWithAccuracyGate(
  fp32: Uint8Array,
  mode: CliQuantization,
  data: NoiseDataset,
  options: { maxDropPoints?: number; calibration?: NoiseDataset; calibrationClips?: number; onProgress?: (stage: string, done: number, total: number) => void } = {},
): Promise<QuantizeGateResult> {
  const maxDrop = options.maxDropPoints ?? DEFAULT_MAX_ACCURACY_DROP;
  if (data.length === 0) {
    throw new NoiseClassifierError('E_DATASET', 'The accuracy gate has no clips to measure on', { field: 'data', expected: 'held-out clips (--data, --fold)', received: '0 clips' });
  }
  const quantized = await quantize(fp32, mode, options.calibration ?? data, options.calibrationClips ?? DEFAULT_CALIBRATION_CLIPS);
  const fp32Accuracy = await accuracy(fp32, data, (done) => options.onProgress?.('fp32', done, data.length));
  const quantizedAccuracy = await accuracy(quantized.bytes, data, (done) => options.onProgress?.(mode, done, data.length));
  const dropPoints = (fp32Accuracy - quantizedAccuracy) * 100;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (dropPoints > maxDrop + 1e-9) {
    throw new NoiseClassifierError(
      'E_ACCURACY_GATE',
      `The ${mode} model is ${dropPoints.toFixed(1)} points less accurate than fp32 on ${data.length} held-out clips (${pct(quantizedAccuracy)} vs ${pct(fp32Accuracy)}); nothing was written`,
      {
        field: 'quantize',
        expected: `held-out top-1 at most ${maxDrop} point(s) below fp32 (--max-accuracy-drop)`,
        received: `${pct(quantizedAccuracy)} (${mode}) vs ${pct(fp32Accuracy)} (fp32)`,
      },
    );
  }
  return { quantized, clips: data.length, fp32Accuracy, quantizedAccuracy, dropPoints };
}

async function quantize(fp32: Uint8Array, mode: CliQuantization, calibration: NoiseDataset, maxClips: number): Promise<QuantizedModel> {
  if (mode !== 'int8') {
    const q = quantizeOnnx(fp32, { mode });
    return { mode, bytes: q.bytes, description: q.description };
  }
  const { metadata } = readOnnxModelInfo(fp32);
  const view = calibration.withFeatureConfig(metadata.featureConfig, metadata.modelConfig.inputChannels);
  const activations = activationsToCalibrate(fp32);
  await onnxRuntimeNodeBackend.init();
  const session = await onnxRuntimeNodeBackend.createSession({ format: 'onnx', bytes: calibrationModel(fp32, activations).bytes });
  const count = Math.min(maxClips, view.length);
  let windows = 0;
  try {
    const batches = [];
    for (let k = 0; k < count; k++) {
      const { features } = await view.getItem(Math.floor((k * view.length) / count)); // evenly spread, deterministic
      windows += features.count;
      batches.push({ data: features.data, shape: [features.count, features.channels, features.height, features.width] as const });
    }
    const ranges = await calibrateActivations(session, activations, batches);
    const bytes = quantizeOnnxStatic(fp32, ranges);
    const description = readOnnxModelInfo(bytes).metadataProps[QUANTIZATION_METADATA_KEY] ?? 'static int8';
    return { mode, bytes, description, calibrationWindows: windows };
  } finally {
    await session.dispose();
  }
}

async function accuracy(model: Uint8Array, data: NoiseDataset, onProgress: (done: number) => void): Promise<number> {
  const service = await NoiseClassifierService.create({ model, runtime: nodeRuntime });
  try {
    return (await evaluate(service, data, { onProgress })).accuracy;
  } finally {
    await service.dispose();
  }
}
