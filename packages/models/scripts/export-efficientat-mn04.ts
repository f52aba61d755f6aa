/**
 * Exports EfficientAT mn04 with the published AudioSet weights (../shared/pretrained, never copied into the repo)
 * to ONNX — one file per window length: the preset's 500 frames and each reference case's length — and prints the
 * parity table of the README: tfjs embedding / logits, onnxruntime-node and onnxruntime-web (wasm, in Node) logits
 * against the reference implementation's tensors, as max |a − b| / max |b|; and onnxruntime-node's latency for one
 * window (batch 1, 1 thread, median of 30 runs, wall and process CPU).
 *
 *   cd packages/models && node --conditions=@noise-classifier/source --import tsx scripts/export-efficientat-mn04.ts [outDir]
 *   /usr/bin/python3 scripts/check-onnx.py <outDir>/*.onnx
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { AUDIOSET_CLASSES, EFFICIENTAT_MN04_FEATURE_CONFIG, createAudioFeatureConfig } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import {
  AUDIOSET_LABELS_PROVENANCE,
  EFFICIENTAT_EMBEDDING_LAYER,
  EFFICIENTAT_MN04_WEIGHTS_PROVENANCE,
  buildModel,
  createModelMetadata,
  efficientAtEmbeddingModel,
  exportOnnx,
  loadEfficientAtWeights,
  readOnnxModelInfo,
  readSafetensors,
} from '../src/index';
import { MN04_WEIGHTS, readReference, referenceCases, relativeError } from '../test/efficientat-helpers';
import { runOrt } from '../test/onnx-helpers';
import { tfWasm } from '../test/tf-wasm';

const ortWeb = await import('onnxruntime-web');
ortWeb.env.wasm.numThreads = 1;

const outDir = process.argv[2] ?? '/tmp/noise-classifier-efficientat';
mkdirSync(outDir, { recursive: true });
const tf = await tfWasm();
const weights = readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS });
const labels = AUDIOSET_CLASSES.map(([, name]) => name);
const modelConfig = { architecture: 'efficientat_mn04', labels, inputChannels: 1, dropout: 0.2 };

const fmt = (v: number) => v.toExponential(1);
const rows: string[] = [];
const frameCounts = [...new Set([EFFICIENTAT_MN04_FEATURE_CONFIG.spectrogramWidth, ...referenceCases.map((c) => c.mel_shape[1])])];
for (const frames of frameCounts) {
  const featureConfig = createAudioFeatureConfig({ ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: frames });
  const model = await buildModel(modelConfig, featureConfig, { tf });
  loadEfficientAtWeights(tf, model, weights, { source: MN04_WEIGHTS, featureConfig });
  const started = performance.now();
  const bytes = exportOnnx(model, createModelMetadata({ featureConfig, modelConfig }), {
    extraMetadata: { ...EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, ...AUDIOSET_LABELS_PROVENANCE },
    extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER],
  });
  const exportMs = performance.now() - started;
  const file = join(outDir, `efficientat_mn04_as_${frames}f.onnx`);
  writeFileSync(file, bytes);
  const info = readOnnxModelInfo(bytes);
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(2)} MB, ${info.parameterCount} float weights, export ${exportMs.toFixed(0)} ms`);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const input = new ort.Tensor('float32', new Float32Array(128 * frames).map((_, i) => Math.sin(i) - 1), [1, 1, 128, frames]);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= 30; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await session.run({ input });
    const used = process.cpuUsage(c);
    if (i === 0) continue; // warm-up
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  await session.release();
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!.toFixed(2);
  console.log(`  onnxruntime-node, batch 1, 1 thread: ${median(wall)} ms wall, ${median(cpu)} ms CPU (median of 30; load ${loadavg()[0]!.toFixed(1)})`);
  const embedder = efficientAtEmbeddingModel(tf, model);
  for (const c of referenceCases.filter((r) => r.mel_shape[1] === frames)) {
    const mel = readReference(`${c.name}.mel.f32`);
    const [embedding, logits] = tf.tidy(() => {
      const x = tf.tensor4d(mel, [1, 128, frames, 1]);
      return [embedder.predict(x), model.predict(x)].map((t) => (t as Tf.Tensor).dataSync() as Float32Array);
    });
    const node = (await runOrt(bytes, mel, [1, 1, 128, frames])).logits;
    const session = await ortWeb.InferenceSession.create(bytes);
    const web = (await session.run({ input: new ortWeb.Tensor('float32', mel, [1, 1, 128, frames]) })).logits!.data as Float32Array;
    await session.release();
    const refLogits = readReference(`${c.name}.logits.f32`);
    rows.push(`| ${c.name} | ${frames} | ${fmt(relativeError(embedding!, readReference(`${c.name}.embedding.f32`)))} | ${fmt(relativeError(logits!, refLogits))} | ${fmt(relativeError(node, refLogits))} | ${fmt(relativeError(web, refLogits))} |`);
  }
  model.dispose();
}
console.log('\n| case | frames | tfjs embedding | tfjs logits | onnxruntime-node logits | onnxruntime-web logits |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
