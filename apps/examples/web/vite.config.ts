import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** COOP + COEP make the page cross-origin isolated, which onnxruntime-web needs for wasm threads. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The model the page loads by default: DEMO_MODEL, else the model bundled with @noise-classifier/pipelines. */
export function defaultModelFile(): string {
  if (process.env.DEMO_MODEL) return path.resolve(process.env.DEMO_MODEL);
  return path.join(path.dirname(require.resolve('@noise-classifier/pipelines/package.json')), 'models', 'default-model.onnx');
}

/** onnxruntime-web's wasm binaries and their loaders, served from ./ort/ (`wasmPaths`). */
function ortFiles(): string[] {
  // The package exports no package.json; its Node entry lives in dist/ next to the wasm files.
  const dist = path.dirname(require.resolve('onnxruntime-web'));
  return ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'].map((f) =>
    path.join(dist, f),
  );
}

/** Copies the runtime's wasm files and the model next to the built page. */
function runtimeAssets(): Plugin {
  let outDir = '';
  return {
    name: 'noise-classifier-runtime-assets',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      mkdirSync(path.join(outDir, 'ort'), { recursive: true });
      for (const file of ortFiles()) copyFileSync(file, path.join(outDir, 'ort', path.basename(file)));
      const model = defaultModelFile();
      if (existsSync(model)) copyFileSync(model, path.join(outDir, 'model.onnx'));
      else this.warn(`no model at ${model}: pass ?model=<url> or set DEMO_MODEL`);
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  resolve: { conditions: ['@noise-classifier/source', ...defaultClientConditions] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // onnxruntime-web loads its own wasm/worker files from wasmPaths; pre-bundling would move them.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  plugins: [runtimeAssets()],
});
