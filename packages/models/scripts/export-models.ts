/**
 * Exports every built-in architecture (untrained, BN-calibrated) to ONNX and checks each file against the tfjs
 * model in onnxruntime-node and onnxruntime-web (wasm, run in Node): max |Δlogits| on the same random input.
 * Prints a table for the README. Heavy (B1–B3), so it is a script, not a unit test.
 * onnxruntime-web comes from the workspace (runtime-web's dependency, hoisted).
 *
 *   cd packages/models && node --conditions=@noise-classifier/source --import tsx scripts/export-models.ts [outDir]
 *   /usr/bin/python3 scripts/check-onnx.py <outDir>/*.onnx
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildModel,
  calibrateBatchNorm,
  countParameters,
  createModelMetadata,
  exportOnnx,
  listArchitectures,
  readOnnxModelInfo,
} from '../src/index';
import { tfWasm } from '../test/tf-wasm';
import { maxAbsDiff, randomInput, runOrt, runTfjs, std } from '../test/onnx-helpers';

const ortWeb = await import('onnxruntime-web');
ortWeb.env.wasm.numThreads = 1;
async function runOrtWeb(bytes: Uint8Array, data: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const session = await ortWeb.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ortWeb.Tensor('float32', data, [...shape]) });
    return out.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const outDir = process.argv[2] ?? '/tmp/noise-classifier-onnx';
mkdirSync(outDir, { recursive: true });
const tf = await tfWasm();
const features = { spectrogramHeight: 128, spectrogramWidth: 128 };
const rows: string[] = [];
for (const architecture of listArchitectures()) {
  for (const inputChannels of [1, 3] as const) {
    const modelConfig = { architecture, inputChannels };
    const model = await buildModel(modelConfig, features, { tf, seed: 1 });
    const params = countParameters(model);
    calibrateBatchNorm(model, tf, { batches: 2, batchSize: 4, seed: 1 });
    const t0 = performance.now();
    const bytes = exportOnnx(model, createModelMetadata({ featureConfig: features, modelConfig, untrained: true, createdAt: new Date().toISOString() }));
    const exportMs = performance.now() - t0;
    const file = join(outDir, `${architecture}_c${inputChannels}.onnx`);
    writeFileSync(file, bytes);
    const shape = [4, inputChannels, 128, 128] as const;
    const x = randomInput(shape, 2);
    const expected = runTfjs(tf, model, x, shape);
    const actual = await runOrt(bytes, x, shape);
    const diff = maxAbsDiff(expected, actual.logits);
    const diffWeb = maxAbsDiff(expected, await runOrtWeb(bytes, x, shape));
    const info = readOnnxModelInfo(bytes);
    model.dispose();
    rows.push(
      `| ${architecture} | ${inputChannels} | ${params.trainable.toLocaleString('en-US')} | ${info.parameterCount.toLocaleString('en-US')} | ` +
        `${(bytes.byteLength / 1e6).toFixed(1)} MB | ${std(expected).toFixed(2)} | ${diff.toExponential(2)} | ${diffWeb.toExponential(2)} | ${exportMs.toFixed(0)} ms |`,
    );
    console.error(`${file}: max |Δlogits| onnxruntime-node ${diff.toExponential(2)}, onnxruntime-web ${diffWeb.toExponential(2)}`);
    if (!(diff <= 1e-4 && diffWeb <= 1e-4)) process.exitCode = 1;
  }
}
console.log('| architecture | C | tfjs trainable params | ONNX float params | ONNX size | logits std | max abs Δ logits tfjs vs ORT-node | … vs ORT-web | export time |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
