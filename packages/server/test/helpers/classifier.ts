import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Classifier } from '../../src/classifier';
import { loadClassifier } from '../../src/service-classifier';

const require = createRequire(import.meta.url);

/** The model bundled with @noise-classifier/pipelines (what `serve` uses without --model). */
export function bundledModelPath(): string {
  return path.join(path.dirname(require.resolve('@noise-classifier/pipelines/package.json')), 'models', 'default-model.onnx');
}

/**
 * A real ONNX model for the tests: the bundled default model, or (while it is absent) a small untrained cnn_small
 * exported once into the temp dir with @noise-classifier/models.
 */
export async function testModelPath(): Promise<string> {
  if (process.env.NC_TEST_MODEL) return process.env.NC_TEST_MODEL;
  const bundled = bundledModelPath();
  if (existsSync(bundled)) return bundled;
  const file = path.join(tmpdir(), 'nc-server-test-model', 'cnn_small.onnx');
  if (existsSync(file)) return file;
  const [{ NOISE_LABELS }, models] = await Promise.all([import('@noise-classifier/config'), import('@noise-classifier/models')]);
  const modelConfig = { architecture: 'cnn_small', pretrained: false, labels: [...NOISE_LABELS], numClasses: NOISE_LABELS.length };
  const model = await models.buildModel(modelConfig, {}, { seed: 7 });
  const bytes = models.exportOnnx(model, models.createModelMetadata({ featureConfig: {}, modelConfig, untrained: true }));
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, file);
  return file;
}

/** The real NoiseClassifierService on onnxruntime-node, with the batch sizes it was called with recorded. */
export async function loadTestClassifier(): Promise<Classifier & { calls: number[] }> {
  const inner = await loadClassifier({ modelPath: await testModelPath(), config: { numThreads: 1 } });
  const calls: number[] = [];
  return {
    calls,
    classifyBatch(items) {
      calls.push(items.length);
      return inner.classifyBatch(items);
    },
    modelInfo: () => inner.modelInfo(),
    dispose: () => inner.dispose!(),
  };
}
