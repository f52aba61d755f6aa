import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIOSET_LABEL_MAP, NOISE_LABELS } from '@noise-classifier/config';
import {
  LABEL_TABLE_DOC,
  LABEL_TABLE_END,
  LABEL_TABLE_START,
  defaultModelSources,
  labelTableBlock,
  readLabelTableInput,
} from '../../../tooling/label-table';

const doc = readFileSync(LABEL_TABLE_DOC, 'utf8');
const block = doc.slice(doc.indexOf(LABEL_TABLE_START), doc.indexOf(LABEL_TABLE_END) + LABEL_TABLE_END.length);
const rows = block
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, '')));

describe('docs/labels.md', () => {
  it('is what scripts/write-label-table.ts writes from the model, the map, the manifests and the measurements', () => {
    expect(block).toBe(labelTableBlock(readLabelTableInput()));
  });

  it('has one row per taxonomy label, and its source column is the bundled default model metadata', () => {
    expect(rows.map((r) => r[0]!.replace(/`/g, ''))).toEqual([...NOISE_LABELS]);
    const sources = defaultModelSources();
    const words = { trained: /^trained/, mapped: /^mapped/, none: /^not covered/, absent: /^not an output$/ } as const;
    rows.forEach((r, i) => expect(r[2], NOISE_LABELS[i]).toMatch(words[sources[NOISE_LABELS[i]!]!]));
  });

  it('lists the AudioSet classes of mapped labels and the reason for unmapped ones', () => {
    rows.forEach((r, i) => {
      const entry = AUDIOSET_LABEL_MAP[i]!;
      if (entry.kind === 'mapped') for (const c of entry.classes) expect(r[3]).toContain(c.name);
      else expect(r[3]).toContain(entry.reason);
    });
  });
});
