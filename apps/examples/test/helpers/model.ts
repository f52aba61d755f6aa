import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The bundled default model of @noise-classifier/pipelines. */
export function bundledModelPath(): string {
  return path.join(path.dirname(require.resolve('@noise-classifier/pipelines/package.json')), 'models', 'default-model.onnx');
}

/**
 * The model the examples run in tests: the bundled default model; while it is absent, a real (untrained) cnn_small
 * ONNX file exported by the server tests' helper. Sets NOISE_CLASSIFIER_MODEL / DEMO_MODEL accordingly.
 */
export async function useExampleModel(): Promise<string> {
  const bundled = bundledModelPath();
  let file = bundled;
  if (!existsSync(bundled)) {
    const helper = new URL('../../../../packages/server/test/helpers/classifier.ts', import.meta.url).href;
    file = await ((await import(helper)) as { testModelPath: () => Promise<string> }).testModelPath();
    process.env.NOISE_CLASSIFIER_MODEL = file;
    process.env.DEMO_MODEL = file;
  }
  return file;
}
