import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIOSET_CLASSES, AUDIOSET_LABEL_MAP, AUDIOSET_MAPPED_LABELS, NOISE_LABELS, audioSetMapEntry } from '../src/index';

// The class list ships with the pretrained weights in ../shared (never copied into the repo).
const CSV = fileURLToPath(new URL('../../../../shared/pretrained/efficientat-mn04-as/audioset_class_labels_indices.csv', import.meta.url));

function readCsv(): { index: number; mid: string; name: string }[] {
  if (!existsSync(CSV)) throw new Error(`Test data missing: ${CSV} (../shared beside the repository)`);
  return readFileSync(CSV, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const match = /^(\d+),([^,]+),"([^"]*)"$/.exec(line);
      if (!match) throw new Error(`unexpected csv line: ${line}`);
      // All three groups are mandatory, so a match has them.
      return { index: Number(match[1]), mid: match[2]!, name: match[3]! };
    });
}

describe('AudioSet classes and the label map', () => {
  const csv = readCsv();

  it('AUDIOSET_CLASSES equals the csv of the pretrained weights, row for row', () => {
    expect(AUDIOSET_CLASSES.length).toBe(csv.length);
    csv.forEach((row, i) => {
      expect(row.index).toBe(i);
      expect(AUDIOSET_CLASSES[i]).toEqual([row.mid, row.name]);
    });
  });

  it('lists every taxonomy label exactly once, in taxonomy order', () => {
    expect(AUDIOSET_LABEL_MAP.map((e) => e.label)).toEqual([...NOISE_LABELS]);
    for (const label of NOISE_LABELS) expect(audioSetMapEntry(label)?.label).toBe(label);
    expect(audioSetMapEntry('not_a_label')).toBeUndefined();
  });

  it('references each AudioSet class by an index, mid and display name that agree with the csv', () => {
    for (const entry of AUDIOSET_LABEL_MAP) {
      if (entry.kind !== 'mapped') continue;
      expect(entry.classes.length, entry.label).toBeGreaterThan(0);
      expect(new Set(entry.classes.map((c) => c.index)).size, `${entry.label}: a class listed twice`).toBe(entry.classes.length);
      for (const c of entry.classes) {
        const row = csv[c.index];
        expect(row, `${entry.label}: index ${c.index}`).toBeDefined();
        expect({ mid: c.mid, name: c.name }, `${entry.label}: class ${c.index}`).toEqual({ mid: row?.mid, name: row?.name });
        expect(c.weight > 0 && c.weight <= 1, `${entry.label}: weight ${c.weight} of ${c.name}`).toBe(true);
      }
    }
  });

  it('explains every entry: a note for mapped labels, a reason for unmapped ones', () => {
    for (const entry of AUDIOSET_LABEL_MAP) {
      const text = entry.kind === 'mapped' ? entry.note : entry.reason;
      expect(text.trim().length, entry.label).toBeGreaterThan(10);
    }
  });

  it('gives each mapped label at least one class of weight 1 or says it is weak or shared', () => {
    for (const entry of AUDIOSET_LABEL_MAP) {
      if (entry.kind !== 'mapped' || entry.classes.some((c) => c.weight === 1)) continue;
      expect(entry.note, entry.label).toMatch(/weak|shared/);
    }
  });

  it('derives the mapped-label list from the map', () => {
    const mapped = AUDIOSET_LABEL_MAP.filter((e) => e.kind === 'mapped').map((e) => e.label);
    expect(AUDIOSET_MAPPED_LABELS).toEqual(mapped);
    // The two emergency classes must stay mapped: the emergency detector reads them.
    const fire = audioSetMapEntry('fire_alarm');
    expect(fire?.kind === 'mapped' ? fire.classes.map((c) => c.name) : []).toEqual(['Fire alarm', 'Smoke detector, smoke alarm']);
  });
});
