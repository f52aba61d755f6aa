import { afterEach, describe, expect, it, vi } from 'vitest';

describe('loadTf', () => {
  afterEach(() => {
    vi.doUnmock('@tensorflow/tfjs');
    vi.resetModules();
  });

  it('imports @tensorflow/tfjs once and returns the same module', async () => {
    const { loadTf } = await import('../src/tfjs-loader');
    const a = await loadTf();
    const b = await loadTf();
    expect(a).toBe(b);
    expect(typeof a.layers.conv2d).toBe('function');
  });

  it('names the package to install when tfjs is absent (E_RUNTIME_MISSING)', async () => {
    vi.resetModules();
    // Simulates an uninstalled optional peer: the import itself fails, as it does without node_modules/@tensorflow/tfjs.
    vi.doMock('@tensorflow/tfjs', () => {
      throw new Error("Cannot find package '@tensorflow/tfjs'");
    });
    const { loadTf } = await import('../src/tfjs-loader');
    const error = await loadTf().catch((e: unknown) => e);
    // resetModules gives a fresh copy of @noise-classifier/config, so compare name and code rather than the class.
    expect((error as Error).name).toBe('NoiseClassifierError');
    expect((error as { code?: string }).code).toBe('E_RUNTIME_MISSING');
    expect((error as Error).message).toMatch(/npm install @tensorflow\/tfjs/);
  });
});
