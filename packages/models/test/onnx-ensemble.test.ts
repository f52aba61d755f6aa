import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, exportOnnxEnsemble, readOnnxModelInfo } from '../src/index';
import { tfWasm } from './tf-wasm';
import { maxAbsDiff, randomInput, runOrt, std } from './onnx-helpers';

const FEATURES = { spectrogramHeight: 32, spectrogramWidth: 32 };
const LABELS = ['a', 'b', 'c', 'd', 'e'];

async function members(count: number) {
  const tf = await tfWasm();
  const modelConfig = { architecture: 'cnn_small', labels: LABELS, numClasses: LABELS.length };
  const models = [];
  for (let k = 0; k < count; k++) {
    const model = await buildModel(modelConfig, FEATURES, { tf, seed: 10 + k });
    calibrateBatchNorm(model, tf, { batches: 1, batchSize: 2, seed: 20 + k });
    models.push(model);
  }
  const metadata = createModelMetadata({ featureConfig: FEATURES, modelConfig, labels: LABELS, untrained: true });
  return { models, metadata };
}

describe('exportOnnxEnsemble', () => {
  it('one file whose probabilities are the mean of the members\' in onnxruntime, logits = log(mean)', async () => {
    const { models, metadata } = await members(3);
    const shape = [4, 1, 32, 32] as const;
    const input = randomInput(shape, 7);
    const singles = await Promise.all(models.map((m) => runOrt(exportOnnx(m, metadata), input, shape)));
    const mean = new Float32Array(singles[0]!.probabilities.length);
    for (const s of singles) s.probabilities.forEach((p, i) => (mean[i]! += p / singles.length));
    // Members differ, so averaging is a real test (not three copies of one model).
    expect(maxAbsDiff(singles[0]!.probabilities, singles[1]!.probabilities)).toBeGreaterThan(1e-3);
    expect(std(mean)).toBeGreaterThan(1e-3);

    const bytes = exportOnnxEnsemble(models, metadata);
    const out = await runOrt(bytes, input, shape);
    expect(out.logitsDims).toEqual([4, LABELS.length]);
    expect(maxAbsDiff(out.probabilities, mean)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(out.logits, mean.map(Math.log))).toBeLessThanOrEqual(1e-5);
    const info = readOnnxModelInfo(bytes);
    expect(info.metadata.labels).toEqual(LABELS);
    expect(info.inputs).toEqual([{ name: 'input', elemType: 1, shape: ['batch', 1, 32, 32] }]);
    expect(info.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect(info.parameterCount).toBeGreaterThan(3 * readOnnxModelInfo(exportOnnx(models[0]!, metadata)).parameterCount - 1);
    models.forEach((m) => m.dispose());
  });

  it('a single member gives the member\'s probabilities', async () => {
    const { models, metadata } = await members(1);
    const shape = [2, 1, 32, 32] as const;
    const input = randomInput(shape, 3);
    const single = await runOrt(exportOnnx(models[0]!, metadata), input, shape);
    const out = await runOrt(exportOnnxEnsemble(models, metadata), input, shape);
    expect(maxAbsDiff(out.probabilities, single.probabilities)).toBeLessThanOrEqual(1e-6);
    models[0]!.dispose();
  });

  it('rejects an empty list and members that do not fit the metadata', async () => {
    const { models, metadata } = await members(1);
    let error: unknown;
    try {
      exportOnnxEnsemble([], metadata);
    } catch (e) {
      error = e;
    }
    expect(isNoiseClassifierError(error) && error.code === 'E_MODEL_FORMAT' && error.field === 'models').toBe(true);
    const wrong = createModelMetadata({ featureConfig: FEATURES, modelConfig: { architecture: 'cnn_small', labels: ['x', 'y'], numClasses: 2 }, labels: ['x', 'y'], untrained: true });
    expect(() => exportOnnxEnsemble(models, wrong)).toThrow(/labels/);
    models[0]!.dispose();
  });
});
