/*
 * The combined head measured end to end with a stand-in trained head: EfficientAT mn04 (published AudioSet weights)
 * gives per clip the 384-d embedding and the 527 AudioSet logits; a softmax-regression head on the embeddings is
 * trained on the real clips of ESC-10 and UrbanSound8K (10 labels); the other 49 labels come from the AudioSet map.
 *
 * 1. Calibration on the training data only: the head is cross-fitted (fold k predicted by a head trained on the other
 *    folds), and `fitAudioSetCombiner` fits the mapped scale and offset on those held-out predictions.
 * 2. Check on esc50_fold4, which nothing above has seen: a head trained on all ESC-10 + UrbanSound8K clips, the
 *    combined distribution over all 59 labels (`combineHeadAndAudioSet` with the fitted parameters), top-1 and rank
 *    of the true label; trained labels there (traffic_urban, construction_sawing) are held-out clips.
 *
 *   cd packages/pipelines && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/combined-head.bench.ts \
 *     [--cache clip-features.json] [--json out.json]
 *
 * Clip level: window embeddings averaged, AudioSet scores averaged over windows (then back to logits), 5 s windows.
 */
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AUDIOSET_CLASSES, AUDIOSET_MAPPED_LABELS, EFFICIENTAT_MN04_FEATURE_CONFIG, NOISE_LABELS, createAudioFeatureConfig } from '@noise-classifier/config';
import {
  EFFICIENTAT_EMBEDDING_LAYER,
  buildModel,
  createModelMetadata,
  exportOnnx,
  loadEfficientAtWeights,
  loadTf,
  readSafetensors,
} from '@noise-classifier/models';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { parseManifest } from '../src/data/manifest';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { combineHeadAndAudioSet } from '../src/audioset/combined-head';
import { fitAudioSetCombiner, type CombinerExample } from '../src/audioset/fit-combiner';
import { softmaxRows } from '../src/core/probabilities';
import { sharedDatasetPath, sharedPretrainedPath } from '../../../tooling/shared-data';
import { benchArgs } from './bench-args';

const args = benchArgs();

interface Clip {
  dataset: string;
  file: string;
  label: string;
  fold: number;
  embedding: number[];
  audioSetLogits: number[];
}

async function extractClips(): Promise<Clip[]> {
  if (args.cache && existsSync(args.cache)) return JSON.parse(readFileSync(args.cache, 'utf8')) as Clip[];
  const tf = await loadTf();
  await tf.setBackend('wasm');
  const featureConfig = createAudioFeatureConfig(EFFICIENTAT_MN04_FEATURE_CONFIG);
  const modelConfig = { architecture: 'efficientat_mn04', labels: AUDIOSET_CLASSES.map(([, n]) => n), inputChannels: 1 };
  const model = await buildModel(modelConfig, featureConfig, { tf });
  const weights = sharedPretrainedPath('efficientat-mn04-as/mn04_as.safetensors');
  loadEfficientAtWeights(tf, model, readSafetensors(new Uint8Array(readFileSync(weights)), { source: weights }), { source: weights, featureConfig });
  const bytes = exportOnnx(model, createModelMetadata({ featureConfig, modelConfig }), { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER] });
  model.dispose();
  const service = await NoiseClassifierService.create({ model: bytes, runtime: nodeRuntime, config: { numThreads: 1 } });
  const session = await nodeRuntime.backends![0]!.createSession({ format: 'onnx', bytes }, { numThreads: 1 });
  const clips: Clip[] = [];
  for (const dataset of ['esc10', 'urbansound8k_22k', 'esc50_fold4']) {
    const manifest = sharedDatasetPath(`${dataset}/manifest.csv`);
    for (const e of parseManifest(readFileSync(manifest, 'utf8'), manifest)) {
      const audio = await service.prepareAudio(new Uint8Array(readFileSync(e.file)));
      const batch = service.featurize(audio, featureConfig.spectrogramWidth);
      const out = await session.run(batch.data, [batch.count, 1, batch.height, batch.width], { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER] });
      const emb = out.extra![EFFICIENTAT_EMBEDDING_LAYER]!;
      const embedding = Array.from({ length: emb.width }, (_, j) => mean(batch.count, (r) => emb.data[r * emb.width + j]!));
      const audioSetLogits = Array.from({ length: out.numClasses }, (_, j) => {
        const s = mean(batch.count, (r) => 1 / (1 + Math.exp(-out.logits[r * out.numClasses + j]!)));
        const c = Math.min(1 - 1e-7, Math.max(1e-7, s));
        return Math.log(c / (1 - c));
      });
      clips.push({ dataset, file: e.file, label: e.label, fold: e.fold ?? 0, embedding, audioSetLogits });
    }
    console.log(`${dataset}: features of ${clips.filter((c) => c.dataset === dataset).length} clips`);
  }
  await session.dispose();
  await service.dispose();
  if (args.cache) writeFileSync(args.cache, JSON.stringify(clips));
  return clips;
}

function mean(n: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return s / n;
}

/** Softmax regression on standardised embeddings (full-batch gradient descent, L2): the stand-in trained head. */
function trainHead(train: readonly Clip[], labels: readonly string[]) {
  const d = train[0]!.embedding.length;
  const k = labels.length;
  const mu = Array.from({ length: d }, (_, j) => mean(train.length, (i) => train[i]!.embedding[j]!));
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(mean(train.length, (i) => (train[i]!.embedding[j]! - mu[j]!) ** 2)) + 1e-6);
  const x = train.map((c) => c.embedding.map((v, j) => (v - mu[j]!) / sd[j]!));
  const y = train.map((c) => labels.indexOf(c.label));
  const w = new Float64Array(d * k);
  const b = new Float64Array(k);
  const lr = 0.1;
  const l2 = 1e-2;
  for (let it = 0; it < 300; it++) {
    const gw = new Float64Array(d * k);
    const gb = new Float64Array(k);
    x.forEach((xi, i) => {
      const z = Array.from({ length: k }, (_, c) => b[c]! + xi.reduce((s, v, j) => s + v * w[j * k + c]!, 0));
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, v) => a + v, 0);
      e.forEach((p, c) => {
        const g = p / sum - (c === y[i] ? 1 : 0);
        gb[c]! += g;
        for (let j = 0; j < d; j++) gw[j * k + c]! += g * xi[j]!;
      });
    });
    for (let i = 0; i < w.length; i++) w[i]! -= lr * (gw[i]! / x.length + l2 * w[i]!);
    for (let c = 0; c < k; c++) b[c]! -= lr * (gb[c]! / x.length);
  }
  return (clip: Clip): Float32Array => {
    const xi = clip.embedding.map((v, j) => (v - mu[j]!) / sd[j]!);
    return Float32Array.from({ length: k }, (_, c) => b[c]! + xi.reduce((s, v, j) => s + v * w[j * k + c]!, 0));
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const clips = await extractClips();
  const training = clips.filter((c) => c.dataset !== 'esc50_fold4');
  const check = clips.filter((c) => c.dataset === 'esc50_fold4');
  const trainedLabels = NOISE_LABELS.filter((l) => training.some((c) => c.label === l));
  const mappedOnly = AUDIOSET_MAPPED_LABELS.filter((l) => !trainedLabels.includes(l));
  console.log(`trained labels (${trainedLabels.length}): ${trainedLabels.join(', ')}; mapped-only: ${mappedOnly.length}`);

  // 1. Cross-fitted head predictions on the training data, then the fit.
  const examples: CombinerExample[] = [];
  let headTop1 = 0;
  for (const fold of [...new Set(training.map((c) => c.fold))].sort()) {
    const head = trainHead(training.filter((c) => c.fold !== fold), trainedLabels);
    for (const c of training.filter((x) => x.fold === fold)) {
      const headLogits = head(c);
      if (trainedLabels[headLogits.indexOf(Math.max(...headLogits))] === c.label) headTop1++;
      examples.push({ label: c.label, headLogits, audioSetLogits: Float32Array.from(c.audioSetLogits) });
    }
  }
  console.log(`head alone, cross-fitted: top-1 ${headTop1}/${training.length} (${((100 * headTop1) / training.length).toFixed(1)}%) among ${trainedLabels.length} labels`);
  const head = trainHead(training, trainedLabels);
  const report: Record<string, unknown> = {};
  for (const mappedShare of [0.5, null]) {
    const fit = fitAudioSetCombiner(examples, { trainedLabels, mappedLabels: mappedOnly, mappedShare });
    console.log(`\n=== mappedShare ${mappedShare ?? 'null (unweighted pairs)'} ===`);
    report[String(mappedShare)] = checkCombined(fit, examples, trainedLabels, head, check);
  }
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ trainedLabels, report }, null, 2));
}

function checkCombined(
  fit: ReturnType<typeof fitAudioSetCombiner>,
  examples: readonly CombinerExample[],
  trainedLabels: readonly string[],
  head: (c: Clip) => Float32Array,
  check: readonly Clip[],
) {
  console.log(`fit on ${fit.pairs} (held-out label, clip) pairs: mappedScale ${fit.mappedScale.toFixed(3)}, mappedOffset ${fit.mappedOffset.toFixed(3)}; ` +
    `loss ${fit.initialLoss.toFixed(3)} → ${fit.loss.toFixed(3)}; a held-out label wins on ${(100 * fit.heldOutTop1).toFixed(1)}% of its clips`);

  // Cross-fitted training clips through the combined head: how often a trained clip is taken by a mapped label.
  let stolen = 0;
  let combinedTop1 = 0;
  for (const ex of examples) {
    const z = combineHeadAndAudioSet(ex.headLogits, ex.audioSetLogits, 1, { trainedLabels, ...fit });
    const best = NOISE_LABELS[z.indexOf(Math.max(...z))]!;
    if (best === ex.label) combinedTop1++;
    else if (!trainedLabels.includes(best)) stolen++;
  }
  console.log(`training clips (cross-fitted) through the combined head over 59: top-1 ${combinedTop1}/${examples.length} (${((100 * combinedTop1) / examples.length).toFixed(1)}%); taken by a mapped label: ${stolen}`);

  // 2. The check: esc50_fold4, head trained on all training clips.
  const byLabel = new Map<string, { source: string; top1: number; ranks: number[]; predicted: Record<string, number> }>();
  for (const c of check) {
    const z = combineHeadAndAudioSet(head(c), Float32Array.from(c.audioSetLogits), 1, { trainedLabels, ...fit });
    const p = softmaxRows(z, 1, NOISE_LABELS.length);
    const truth = p[NOISE_LABELS.indexOf(c.label)]!;
    const rank = 1 + Array.from(p).filter((q) => q > truth).length;
    const predicted = NOISE_LABELS[z.indexOf(Math.max(...z))]!;
    const row = byLabel.get(c.label) ?? { source: trainedLabels.includes(c.label) ? 'trained' : 'mapped', top1: 0, ranks: [], predicted: {} };
    row.ranks.push(rank);
    if (predicted === c.label) row.top1++;
    row.predicted[predicted] = (row.predicted[predicted] ?? 0) + 1;
    byLabel.set(c.label, row);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(`\nesc50_fold4 through the combined head (59 labels):\n| label | source | top-1 | median rank | mean rank | most often predicted |\n|---|---|---|---|---|---|`);
  for (const [label, r] of byLabel) {
    const often = Object.entries(r.predicted).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([l, n]) => `${l} ${n}`).join(', ');
    console.log(`| ${label} | ${r.source} | ${r.top1}/${r.ranks.length} | ${median(r.ranks)} | ${(r.ranks.reduce((a, b) => a + b, 0) / r.ranks.length).toFixed(1)} | ${often} |`);
  }
  for (const source of ['mapped', 'trained']) {
    const rows = [...byLabel.values()].filter((r) => r.source === source);
    const n = rows.reduce((a, r) => a + r.ranks.length, 0);
    const t = rows.reduce((a, r) => a + r.top1, 0);
    const ranks = rows.flatMap((r) => r.ranks);
    if (n) console.log(`${source} labels: top-1 ${t}/${n} (${((100 * t) / n).toFixed(1)}%), median rank ${median(ranks)}, mean rank ${(ranks.reduce((a, b) => a + b, 0) / n).toFixed(1)}`);
  }
  return { fit, trainingTop1: combinedTop1 / examples.length, takenByMapped: stolen, esc50_fold4: Object.fromEntries(byLabel) };
}

await main();
