import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: the default model's location (src/default-model.ts: its relative URL must be the same from
// src/ and dist/), shared base pieces, sounds, data, AudioSet maths, streaming, the service, evaluation, the
// wire format, emergency detection. src/index.ts and the platform entries (node/, web/) sit on top.
const LAYERS = ['.', 'core', 'synthetic', 'data', 'audioset', 'streaming', 'service', 'metrics', 'wire', 'emergency'];
const ENTRIES = ['index.ts', 'node', 'web'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/pipelines', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('the check sees a back-edge and a cycle when there is one', () => {
    const edges = new Map(graph.edges);
    edges.set('core/front-end.ts', [...(edges.get('core/front-end.ts') ?? []), 'service/noise-classifier-service.ts']);
    const broken = { edges };
    expect(backEdges(broken, LAYERS, ENTRIES)).toEqual([expect.stringContaining('core/front-end.ts (core) imports service/noise-classifier-service.ts (service)')]);
    expect(importCycles(broken).length).toBeGreaterThan(0);
  });
});
