import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup configuration every published package uses: ESM + CJS + .d.ts,
 * platform-neutral output, dependencies left external.
 * A package's tsup.config.ts is a single call, optionally naming extra entry points.
 */
export function libraryConfig(overrides: Partial<Options> = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    ...overrides,
  });
}
