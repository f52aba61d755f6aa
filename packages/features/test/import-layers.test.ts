import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: shared types and windowing (files directly in src/), decoding, DSP, augmentation (which
// decodes nothing itself but reuses io's helpers). src/index.ts sits on top.
const LAYERS = ['.', 'io', 'dsp', 'augment'];
const ENTRIES = ['index.ts'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/features', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
