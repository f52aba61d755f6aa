/**
 * ESC-50 fold 4 (`../shared/datasets/esc50_fold4`) has one fold only, and several clips per source recording
 * (`4-102844-A/B/C` are cut from one Freesound recording). For held-out figures it must be split by source
 * recording, never by clip. This writes a copy of its manifest (absolute audio paths into ../shared, nothing
 * copied) whose `fold` column holds the split: per label, the source recordings sorted by id alternate
 * train (fold 4), held out (fold 1), train, … — so `train --val-fold 1` holds them out together with fold 1 of
 * ESC-10 and UrbanSound8K. A label with one source recording (washing_machine) stays in training only.
 *
 *   npx tsx research/recipe-search/esc50-source-folds.ts /tmp/esc50_fold4_by_source.csv
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataset = path.resolve(root, '..', 'shared', 'datasets', 'esc50_fold4');
const out = process.argv[2] ?? '/tmp/esc50_fold4_by_source.csv';

const [header = '', ...rows] = readFileSync(path.join(dataset, 'manifest.csv'), 'utf8').trim().split(/\r?\n/);
const columns = header.split(',');
const fileCol = columns.indexOf('file');
const labelCol = columns.indexOf('label');
const foldCol = columns.indexOf('fold');
if (fileCol < 0 || labelCol < 0 || foldCol < 0) throw new Error(`unexpected manifest header: ${header}`);

/** `audio/hand_saw/4-102844-A-49.flac` → `102844`: the Freesound id between the fold and the take letter. */
const sourceId = (file: string) => {
  const match = /(?:^|\/)\d+-(\d+)-[A-Z]-\d+\.\w+$/.exec(file);
  if (!match) throw new Error(`no source id in ${file}`);
  return match[1]!;
};

const cells = rows.map((row, i) => {
  const c = row.split(',');
  const [file, label] = [c[fileCol], c[labelCol]];
  if (!file || !label) throw new Error(`manifest row ${i + 2} has no file or label: ${row}`);
  return { c, file, label };
});
const sourcesByLabel = new Map<string, string[]>();
for (const { file, label } of cells) {
  const ids = sourcesByLabel.get(label) ?? [];
  if (!ids.includes(sourceId(file))) ids.push(sourceId(file));
  sourcesByLabel.set(label, ids);
}
for (const ids of sourcesByLabel.values()) ids.sort();
const lines = cells.map(({ c, file, label }) => {
  const rank = sourcesByLabel.get(label)!.indexOf(sourceId(file));
  const copy = [...c];
  copy[fileCol] = path.join(dataset, file);
  copy[foldCol] = rank % 2 === 0 ? '4' : '1';
  return copy.join(',');
});
writeFileSync(out, `${[header, ...lines].join('\n')}\n`);
const heldOut = lines.filter((l) => l.split(',')[foldCol] === '1').length;
console.log(`wrote ${out}: ${lines.length} clips, ${heldOut} held out (fold 1) by source recording`);
