import { describe, expect, it } from 'vitest';
import { listBackends } from '@noise-classifier/models';
import { createOnnxRuntimeWebBackend } from '../src/index';

describe('onnxruntime-web backend', () => {
  it('names the package to install when onnxruntime-web is absent', async () => {
    const backend = createOnnxRuntimeWebBackend({
      load: () => import(/* @vite-ignore */ ['onnxruntime', 'web', 'not', 'installed'].join('-')) as never,
    });
    await expect(backend.init()).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING', message: expect.stringMatching(/install onnxruntime-web/) });
  });

  it('the register entry adds it below onnxruntime-node', async () => {
    await import('../src/register');
    expect(listBackends().find((b) => b.name === 'onnxruntime-web')).toMatchObject({ priority: 50, formats: ['onnx'] });
  });
});
