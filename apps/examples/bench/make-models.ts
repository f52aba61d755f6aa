/**
 * Writes untrained ONNX models of the given architectures (self-describing: labels + feature config inside),
 * batch norms calibrated on random input, for latency benchmarks only: predictions are meaningless and the
 * metadata says `untrained: true`.
 *
 *   npx tsx --conditions=@noise-classifier/source bench/make-models.ts <out-dir> efficientnet_b0 efficientnet_b3
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NOISE_LABELS } from '@noise-classifier/config';
import { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, loadTf } from '@noise-classifier/models';

const [outDir, ...architectures] = process.argv.slice(2);
if (!outDir || architectures.length === 0) {
  console.error('usage: make-models.ts <out-dir> <architecture>...');
  process.exit(2);
}
await mkdir(outDir, { recursive: true });
const tf = await loadTf();
for (const architecture of architectures) {
  const modelConfig = { architecture, pretrained: false, labels: [...NOISE_LABELS], numClasses: NOISE_LABELS.length };
  const model = await buildModel(modelConfig, {}, { tf, seed: 1 });
  // Untrained deep nets shrink activations to denormals, which WebAssembly computes very slowly (no flush-to-zero):
  // calibrated batch-norm statistics keep activations in range so timings measure the real arithmetic.
  calibrateBatchNorm(model, tf, { batches: 2, batchSize: 4, seed: 1 });
  const bytes = exportOnnx(model, createModelMetadata({ featureConfig: {}, modelConfig, untrained: true }));
  const file = path.join(outDir, `${architecture}.onnx`);
  await writeFile(file, bytes);
  console.log(`${file}: ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
  model.dispose();
}
