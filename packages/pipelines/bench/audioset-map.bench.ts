/*
 * How well each label of a model is recognised on the real clips of ../shared/datasets: per (dataset, label), the
 * clips, top-1 and the rank of the true label among all the model's labels (1 = first), with the label's source
 * (trained / mapped / none). Without --model it measures the AudioSet label map alone: EfficientAT mn04 with the
 * published AudioSet weights and the combined head over all 59 labels, no trained head (every label mapped or none).
 *
 *   cd packages/pipelines && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/audioset-map.bench.ts \
 *     [--model m.onnx] [--frames 500] [--datasets esc50_fold4,esc10,urbansound8k_22k] [--fold k] [--json out.json]
 *
 * A --datasets entry ending in .csv is a manifest path (e.g. the ESC-50 split by source recording of
 * bench/research/esc50-source-folds.ts). --fold keeps only clips of that fold (held-out clips of a model trained without it). Clip probabilities are the
 * service's: window probabilities averaged over the clip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { parseManifest } from '../src/data/manifest';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { sharedDatasetPath } from '../../../tooling/shared-data';
import { audioSetOnlyModel } from '../test/helpers/audioset-model';
import { benchArgs } from './bench-args';

const args = benchArgs();
const DATASETS = (args.datasets ?? 'esc50_fold4,esc10,urbansound8k_22k').split(',');
const FOLD = args.fold === undefined ? undefined : Number(args.fold);

interface Row {
  dataset: string;
  label: string;
  source: string;
  clips: number;
  top1: number;
  ranks: number[];
  predicted: Record<string, number>;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const model = args.model ? new Uint8Array(readFileSync(args.model)) : await audioSetOnlyModel(Number(args.frames ?? 500));
  const service = await NoiseClassifierService.create({ model, runtime: nodeRuntime, config: { numThreads: 1 } });
  const sources = service.labelSources;
  console.log(`model: ${args.model ?? `mn04 AudioSet + label map (no trained head), ${args.frames ?? 500}-frame windows`}; ${service.labels.length} labels: ` +
    `${Object.values(sources).filter((s) => s === 'trained').length} trained, ${Object.values(sources).filter((s) => s === 'mapped').length} mapped, ` +
    `${Object.values(sources).filter((s) => s === 'none').length} none (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const rows: Row[] = [];
  for (const dataset of DATASETS) {
    const manifest = dataset.endsWith('.csv') ? dataset : sharedDatasetPath(`${dataset}/manifest.csv`);
    const entries = parseManifest(readFileSync(manifest, 'utf8'), manifest).filter((e) => FOLD === undefined || e.fold === FOLD);
    const results = await service.classifyBatch(entries.map((e) => new Uint8Array(readFileSync(e.file))), { topK: 3 });
    entries.forEach((e, i) => {
      const probs = results[i]!.probabilities;
      let row = rows.find((r) => r.dataset === dataset && r.label === e.label);
      if (!row) rows.push((row = { dataset, label: e.label, source: sources[e.label] ?? 'absent', clips: 0, top1: 0, ranks: [], predicted: {} }));
      row.clips++;
      const p = probs[e.label];
      const rank = p === undefined ? NaN : 1 + Object.values(probs).filter((q) => q > p).length;
      row.ranks.push(rank);
      if (results[i]!.predictedClass === e.label) row.top1++;
      row.predicted[results[i]!.predictedClass] = (row.predicted[results[i]!.predictedClass] ?? 0) + 1;
    });
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(`\n| dataset | label | source | clips | top-1 | median rank | mean rank | most often predicted |\n|---|---|---|---|---|---|---|---|`);
  for (const r of rows) {
    const mean = r.ranks.reduce((a, b) => a + b, 0) / r.ranks.length;
    const often = Object.entries(r.predicted).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([l, n]) => `${l} ${n}`).join(', ');
    console.log(`| ${r.dataset} | ${r.label} | ${r.source} | ${r.clips} | ${r.top1}/${r.clips} | ${median(r.ranks)} | ${mean.toFixed(1)} | ${often} |`);
  }
  for (const dataset of DATASETS) {
    const d = rows.filter((r) => r.dataset === dataset);
    const clips = d.reduce((n, r) => n + r.clips, 0);
    const top1 = d.reduce((n, r) => n + r.top1, 0);
    const ranks = d.flatMap((r) => r.ranks);
    console.log(`${dataset}: top-1 ${top1}/${clips} (${((100 * top1) / clips).toFixed(1)}%), median rank ${median(ranks)}, mean rank ${(ranks.reduce((a, b) => a + b, 0) / ranks.length).toFixed(1)} of ${service.labels.length}`);
  }
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ model: args.model ?? 'mn04-audioset-map', rows }, null, 2));
  await service.dispose();
}

await main();
