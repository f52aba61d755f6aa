import { describe, expect, it } from 'vitest';
import { listBackends, resolveBackend, type OrtModuleLike } from '@noise-classifier/models';
import { createOnnxRuntimeNodeBackend, onnxRuntimeNodeBackend } from '../src/index';

describe('onnxruntime-node backend', () => {
  it('names the package to install when onnxruntime-node is absent', async () => {
    const backend = createOnnxRuntimeNodeBackend({
      // A real import of a package that is not installed (what a user without the peer dependency gets).
      load: () => import(/* @vite-ignore */ ['onnxruntime', 'node', 'not', 'installed'].join('-')) as Promise<OrtModuleLike>,
    });
    await expect(backend.init()).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING', message: expect.stringMatching(/install onnxruntime-node/) });
  });

  it('the register entry adds it to the default registry', async () => {
    expect(listBackends().some((b) => b.name === 'onnxruntime-node')).toBe(false);
    await import('../src/register');
    expect(listBackends().find((b) => b.name === 'onnxruntime-node')).toMatchObject({ priority: 100, formats: ['onnx'] });
    expect(await resolveBackend('auto', 'onnx')).toBe(onnxRuntimeNodeBackend);
  });

  it('rejects non-ONNX sources and garbage bytes with clear codes', async () => {
    await expect(onnxRuntimeNodeBackend.createSession({ format: 'tfjs', model: {} })).rejects.toMatchObject({ code: 'E_UNSUPPORTED_FORMAT' });
    await expect(onnxRuntimeNodeBackend.createSession({ format: 'onnx', bytes: new Uint8Array([8, 1, 2, 3, 4]) })).rejects.toMatchObject({
      code: 'E_MODEL_FORMAT',
    });
  });
});
