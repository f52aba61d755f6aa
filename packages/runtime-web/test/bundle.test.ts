import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));

describe('browser bundle', () => {
  it('bundles index + register for the browser without onnxruntime-node (and with onnxruntime-web)', async () => {
    // Bundles everything, onnxruntime-web and our sibling packages included, the way an app bundler would.
    const result = await build({
      stdin: {
        contents: `export * from ${JSON.stringify(entry('index.ts'))};\nimport ${JSON.stringify(entry('register.ts'))};`,
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['@noise-classifier/source'],
      // Code splitting, as app bundlers do: lazy `import()`s (tfjs, onnxruntime-web) become chunks loaded on use.
      splitting: true,
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('node_modules/onnxruntime-web/'))).toBe(true);
    expect(inputs.filter((p) => /onnxruntime-node|^node:/.test(p))).toEqual([]);
    const code = result.outputFiles.map((f) => f.text).join('\n');
    expect(code).toContain('onnxruntime-web');
    expect(code).not.toContain('onnxruntime-node');
    // The entry chunk stays small: heavy runtimes only arrive through their lazy chunks.
    const entryChunk = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined)?.[1];
    expect(Object.keys(entryChunk?.inputs ?? {}).filter((p) => /onnxruntime|tensorflow/.test(p))).toEqual([]);
  }, 60_000);
});
