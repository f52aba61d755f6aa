import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv';
import { parseManifest } from '../src/data/manifest';
import { joinLocation } from '../src/data/paths';
import { SHARED_CLIPS, sharedDatasetPath } from '../../../tooling/shared-data';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and line breaks inside fields, CRLF and a BOM', () => {
    const text = '\ufefffile,label\r\n"a, b.wav",x\r\n"say ""hi"".wav","multi\nline"\nplain.wav,y\n';
    expect(parseCsv(text)).toEqual([
      ['file', 'label'],
      ['a, b.wav', 'x'],
      ['say "hi".wav', 'multi\nline'],
      ['plain.wav', 'y'],
    ]);
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(parseCsv('a,,c\n\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
  });

  it('reports unterminated quotes and stray characters with the line', () => {
    expect(() => parseCsv('a,b\n"open,x\n')).toThrow(/line 2/);
    expect(() => parseCsv('a,"b"c\n')).toThrow(/closing quote/);
  });
});

describe('parseManifest', () => {
  it('reads the shared dataset manifests with their extra columns, resolving paths against the CSV', () => {
    const path = sharedDatasetPath('esc10/manifest.csv');
    const entries = parseManifest(readFileSync(path, 'utf8'), path);
    expect(entries.length).toBe(160);
    const first = entries[0]!;
    expect(first.file).toBe(sharedDatasetPath(SHARED_CLIPS.dogBark));
    expect(first.label).toBe('dog_barking');
    expect(first.fold).toBe(1);
    expect(first.extra.source_label).toBe('dog_bark');
    expect(new Set(entries.map((e) => e.fold))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('accepts the minimal file,label form and quoted paths', () => {
    const entries = parseManifest('file,label\n"clips/a, 1.wav",rain_heavy\n../b.wav,dog_barking\n', 'data/set/m.csv');
    expect(entries.map((e) => e.file)).toEqual(['data/set/clips/a, 1.wav', 'data/b.wav']);
    expect(entries[1]!.fold).toBeUndefined();
  });

  it('names what is missing', () => {
    expect(() => parseManifest('path,label\nx.wav,a\n')).toThrow(/"file" column/);
    expect(() => parseManifest('file,label,fold\nx.wav,a,two\n')).toThrow(/fold/);
    expect(() => parseManifest('file,label\nx.wav,\n')).toThrow(/empty label/);
    expect(() => parseManifest('file,label\nx.wav,a,extra\n')).toThrow(/3 fields/);
  });
});

describe('joinLocation', () => {
  it('resolves relative parts and keeps absolute ones', () => {
    expect(joinLocation('/a/b', '../c/d.wav')).toBe('/a/c/d.wav');
    expect(joinLocation('/a/b', '/x.wav')).toBe('/x.wav');
    expect(joinLocation('C:\\data', 'x.wav')).toBe('C:\\data\\x.wav');
    expect(joinLocation('https://h/m', 'a.wav')).toBe('https://h/m/a.wav');
  });
});
