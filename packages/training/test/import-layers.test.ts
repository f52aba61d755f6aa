import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: the ONNX training graph, the trainer and engines (files directly in src/), training data
// helpers, transfer learning, the recipe runner. src/index.ts and the Node entry (node/) sit on top.
const LAYERS = ['graph', '.', 'data', 'pretrained', 'recipe'];
const ENTRIES = ['index.ts', 'node'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/training', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('the check sees a back-edge when there is one', () => {
    const edges = new Map(graph.edges);
    edges.set('trainer.ts', [...(edges.get('trainer.ts') ?? []), 'recipe/run-recipe.ts']);
    expect(backEdges({ edges }, LAYERS, ENTRIES)).toEqual([expect.stringContaining('trainer.ts (.) imports recipe/run-recipe.ts (recipe)')]);
  });
});
