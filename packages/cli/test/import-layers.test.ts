import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: output formats (npy, PNG, progress bar), the commands. The program and the entry points
// (src/index.ts, src/cli.ts, src/program.ts) sit on top.
const LAYERS = ['output', 'commands'];
const ENTRIES = ['index.ts', 'cli.ts', 'program.ts'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/cli', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
