import { NoiseClassifierError } from '@noise-classifier/config';
import { quantizeOnnx, type OnnxQuantization, type QuantizedOnnxModel } from '@noise-classifier/models';
import { NoiseClassifierService, evaluate, type NoiseDataset } from '@noise-classifier/pipelines';
import { nodePipelineRuntime } from '@noise-classifier/pipelines/node';

/** The default allowance: the quantised model's held-out top-1 may be at most 1 percentage point below fp32's. */
export const DEFAULT_MAX_ACCURACY_DROP = 1;

export interface QuantizeGateResult {
  readonly quantized: QuantizedOnnxModel;
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
 * `maxDropPoints` below fp32's, so a caller writes the file only after this returns.
 */
export async function quantizeWithAccuracyGate(
  fp32: Uint8Array,
  mode: OnnxQuantization,
  data: NoiseDataset,
  options: { maxDropPoints?: number; onProgress?: (stage: 'fp32' | OnnxQuantization, done: number, total: number) => void } = {},
): Promise<QuantizeGateResult> {
  const maxDrop = options.maxDropPoints ?? DEFAULT_MAX_ACCURACY_DROP;
  if (data.length === 0) {
    throw new NoiseClassifierError('E_DATASET', 'The accuracy gate has no clips to measure on', { field: 'data', expected: 'held-out clips (--data, --fold)', received: '0 clips' });
  }
  const quantized = quantizeOnnx(fp32, { mode });
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

async function accuracy(model: Uint8Array, data: NoiseDataset, onProgress: (done: number) => void): Promise<number> {
  const service = await NoiseClassifierService.create({ model, runtime: nodePipelineRuntime });
  try {
    return (await evaluate(service, data, { onProgress })).accuracy;
  } finally {
    await service.dispose();
  }
}
