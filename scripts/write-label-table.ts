/**
 * Rewrites the generated table in docs/labels.md from the bundled default model's metadata, AUDIOSET_LABEL_MAP, the
 * manifests in ../shared/datasets and docs/data/audioset-map-alone.json (written by
 * `packages/pipelines/bench/audioset-map.bench.ts --json`). Run after any of them changes; a pipelines test fails
 * until the doc matches.
 *
 *   npx tsx --conditions=@noise-classifier/source scripts/write-label-table.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { LABEL_TABLE_DOC, LABEL_TABLE_END, LABEL_TABLE_START, labelTableBlock, readLabelTableInput } from '../tooling/label-table';

const doc = readFileSync(LABEL_TABLE_DOC, 'utf8');
const start = doc.indexOf(LABEL_TABLE_START);
const end = doc.indexOf(LABEL_TABLE_END);
if (start < 0 || end < start) throw new Error(`${LABEL_TABLE_DOC} lacks the label-table markers`);
writeFileSync(LABEL_TABLE_DOC, doc.slice(0, start) + labelTableBlock(readLabelTableInput()) + doc.slice(end + LABEL_TABLE_END.length));
console.log(`wrote the label table in ${LABEL_TABLE_DOC}`);
