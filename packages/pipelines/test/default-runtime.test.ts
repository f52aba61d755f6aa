import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { webRuntime } from '@noise-classifier/runtime-web';
import { loadDefaultRuntime } from '../src/core/default-runtime';

describe('the platform default runtime (#default-runtime)', () => {
  it('is Node’s under the node condition: onnxruntime-node, file access and the bundled model path', async () => {
    const runtime = await loadDefaultRuntime();
    expect(runtime.name).toBe('node');
    expect(runtime.backends).toEqual(nodeRuntime.backends);
    expect(runtime.readFile).toBe(nodeRuntime.readFile);
    expect(runtime.defaultModelLocation).toMatch(/^\/.*pipelines[\\/]models[\\/]default-model\.onnx$/);
    expect(await loadDefaultRuntime()).toBe(runtime); // loaded once
  });

  it('is the web one elsewhere: onnxruntime-web, fetch, and the bundled model as a URL next to the package', async () => {
    const { defaultPlatformRuntime } = await import('../src/web/default-runtime');
    expect(defaultPlatformRuntime.name).toBe('web');
    expect(defaultPlatformRuntime.backends).toEqual(webRuntime.backends);
    expect(defaultPlatformRuntime.writeFileAtomic).toBeUndefined();
    expect(defaultPlatformRuntime.defaultModelLocation).toMatch(/^file:\/\/.*\/pipelines\/models\/default-model\.onnx$/);
  });

  it('is chosen by the package.json imports map: node first, every other environment the web one', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      imports: { '#default-runtime': { node: Record<string, string>; default: Record<string, string> } };
    };
    const map = manifest.imports['#default-runtime'];
    expect(Object.keys(map)).toEqual(['node', 'default']);
    expect(map.node).toEqual({
      '@noise-classifier/source': './src/node/default-runtime.ts',
      import: './dist/node/default-runtime.js',
      require: './dist/node/default-runtime.cjs',
    });
    expect(map.default['@noise-classifier/source']).toBe('./src/web/default-runtime.ts');
  });
});
