import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: what HTTP and jobs share (files directly in src/: the classifier interface, API errors, audio
// input), the job queue and processors, the HTTP server. The entry points (index, serve, worker, BullMQ wiring,
// the training runner and its thread) sit on top.
const LAYERS = ['.', 'jobs', 'http'];
const ENTRIES = ['index.ts', 'serve.ts', 'worker.ts', 'bullmq.ts', 'train-runner.ts', 'train-thread.ts', 'train-in-thread.ts'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/server', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
