import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backEdges, importCycles, importGraph } from '../../../tooling/import-layers';

// From the bottom up: the backend interface, metadata and the tfjs loader (files directly in src/), our custom
// tfjs layers and the layer-graph walker, the tfjs file format, safetensors weights, the architectures, ONNX
// export, the inference backends. src/index.ts sits on top.
const LAYERS = ['.', 'layers', 'tfjs-format', 'weights', 'architectures', 'onnx', 'backends'];
const ENTRIES = ['index.ts'];
const graph = importGraph(fileURLToPath(new URL('../src', import.meta.url)));

describe('import layers of @noise-classifier/models', () => {
  it('no import runs back up the layers', () => {
    expect(backEdges(graph, LAYERS, ENTRIES)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
