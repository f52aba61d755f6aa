/**
 * Chooses `combine --mapped-share` on a TRAINING fold: for a model trained with `--exclude-fold 1 --val-fold k
 * --head-input embedding+audioset`, scores fold k's clips once (head + AudioSet outputs, clip level through the
 * service), then for each mappedShare fits the combiner on them and reports the trained labels' top-1 of the combined
 * 59-label distribution vs the head alone, and how often a held-out (trained-and-mapped) label wins from its
 * evidence alone. Pick the largest share whose trained-label drop is within the allowed points. Clip-level (windows
 * averaged before combining), an approximation of the file, which combines per window.
 *
 *   node --conditions=@noise-classifier/source --import tsx research/recipe-search/combiner-share.ts \
 *     <model.onnx> <fold> <manifest.csv>...
 */
import { readFileSync } from 'node:fs';
import { AUDIOSET_MAPPED_LABELS, NOISE_LABELS } from '@noise-classifier/config';
import { NoiseClassifierService, combineHeadAndAudioSet, combinerExamples, fitAudioSetCombiner, parseManifest } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';

const [modelPath, foldArg, ...manifests] = process.argv.slice(2);
if (!modelPath || !foldArg || manifests.length === 0) throw new Error('usage: combiner-share.ts <model.onnx> <fold> <manifest.csv>...');
const fold = Number(foldArg);
const service = await NoiseClassifierService.create({ runtime: nodeRuntime, modelPath });
const clips = manifests.flatMap((m) => parseManifest(readFileSync(m, 'utf8'), m))
  .filter((e) => e.fold === fold && service.labels.includes(e.label))
  .map((e) => ({ audio: new Uint8Array(readFileSync(e.file)), label: e.label, file: e.file }));
const examples = await combinerExamples(service, clips);
await service.dispose();
const trainedLabels = service.labels;
const mappedLabels = AUDIOSET_MAPPED_LABELS.filter((l) => !trainedLabels.includes(l));
const argmax = (v: ArrayLike<number>) => { let b = 0; for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i; return b; };
const headTop1 = examples.filter((e) => trainedLabels[argmax(e.headLogits)] === e.label).length;
console.log(`${examples.length} clips of fold ${fold} (${trainedLabels.length} trained, ${mappedLabels.length} mapped-only labels); head alone top-1 ${headTop1}/${examples.length}`);
console.log('| mappedShare | scale | offset | combined top-1 (trained labels) | drop, points | held-out labels win | lost to |');
console.log('|---|---|---|---|---|---|---|');
for (const share of [0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01]) {
  const fit = fitAudioSetCombiner(examples, { trainedLabels, mappedLabels, mappedShare: share });
  let right = 0;
  const lostTo: Record<string, number> = {};
  for (const e of examples) {
    const combined = combineHeadAndAudioSet(e.headLogits, e.audioSetLogits, 1, { trainedLabels, ...fit });
    const winner = NOISE_LABELS[argmax(combined)]!;
    if (winner === e.label) right++;
    else if (!trainedLabels.includes(winner)) lostTo[winner] = (lostTo[winner] ?? 0) + 1;
  }
  const drop = (100 * (headTop1 - right)) / examples.length;
  console.log(`| ${share} | ${fit.mappedScale.toFixed(3)} | ${fit.mappedOffset.toFixed(3)} | ${right}/${examples.length} | ${drop.toFixed(1)} | ${(100 * fit.heldOutTop1).toFixed(1)}% | ${Object.entries(lostTo).map(([l, n]) => `${l} ${n}`).join(', ') || '—'} |`);
}
