import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { createBackendRegistry, createOrtBackend, importRuntime, tfjsBackend, type InferenceBackend, type OrtModuleLike } from '../src/index';

/** A backend whose init counts calls and succeeds or fails as told (the registry is what is under test). */
function countingBackend(name: string, formats: InferenceBackend['formats'], fail?: Error, delayMs = 0) {
  const calls = { init: 0 };
  const backend: InferenceBackend = {
    name,
    formats,
    async init() {
      calls.init += 1;
      await new Promise((r) => setTimeout(r, delayMs));
      if (fail) throw fail;
    },
    async createSession() {
      throw new Error('not used');
    },
  };
  return { backend, calls };
}

/** A real ORT-flavoured backend whose runtime package is genuinely absent from node_modules. */
const missingRuntime = createOrtBackend({
  name: 'onnxruntime-absent',
  packageName: 'onnxruntime-absent-for-tests',
  load: () => import(/* @vite-ignore */ ['onnxruntime', 'absent', 'for', 'tests'].join('-')) as Promise<OrtModuleLike>,
  sessionOptions: () => ({}),
});

describe('backend registry', () => {
  it('lists backends by priority, ties in registration order', () => {
    const r = createBackendRegistry();
    r.register(countingBackend('a', ['onnx']).backend, 1);
    r.register(countingBackend('b', ['onnx']).backend, 5);
    r.register(countingBackend('c', ['tfjs']).backend, 1);
    expect(r.list().map((b) => b.name)).toEqual(['b', 'a', 'c']);
  });

  it('auto picks the highest-priority backend that initialises, skipping failures and other formats', async () => {
    const r = createBackendRegistry();
    const broken = countingBackend('broken', ['onnx'], new Error('native binary missing'));
    const good = countingBackend('good', ['onnx']);
    const tfjs = countingBackend('tf', ['tfjs']);
    r.register(good.backend, 10);
    r.register(broken.backend, 20);
    r.register(tfjs.backend, 30);
    expect((await r.resolve('auto', 'onnx')).name).toBe('good');
    expect(broken.calls.init).toBe(1);
    expect(tfjs.calls.init).toBe(0);
  });

  it('initialises each backend once, also under concurrent resolves, and memoises failures', async () => {
    const r = createBackendRegistry();
    const slow = countingBackend('slow', ['onnx'], undefined, 20);
    const bad = countingBackend('bad', ['onnx'], new Error('boom'), 5);
    r.register(slow.backend, 1);
    r.register(bad.backend, 2);
    const resolved = await Promise.all(Array.from({ length: 8 }, () => r.resolve('auto', 'onnx')));
    expect(new Set(resolved.map((b) => b.name))).toEqual(new Set(['slow']));
    await r.resolve('slow', 'onnx');
    expect(slow.calls.init).toBe(1);
    expect(bad.calls.init).toBe(1);
  });

  it('throws ONE error listing why every backend failed', async () => {
    const r = createBackendRegistry();
    r.register(countingBackend('first', ['onnx'], new Error('first reason')).backend, 2);
    r.register(missingRuntime, 1);
    const error = await r.resolve('auto', 'onnx').catch((e: unknown) => e);
    expect(isNoiseClassifierError(error, 'E_RUNTIME_FAILED')).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/first: first reason/);
    expect(message).toMatch(/onnxruntime-absent: .*install onnxruntime-absent-for-tests/);
  });

  it('is E_RUNTIME_MISSING naming the package when every failure is a missing package', async () => {
    const r = createBackendRegistry();
    r.register(missingRuntime);
    const error = await r.resolve('auto', 'onnx').catch((e: unknown) => e);
    expect(isNoiseClassifierError(error, 'E_RUNTIME_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/npm install onnxruntime-absent-for-tests/);
  });

  it('explains an empty registry, an unknown name and a wrong format', async () => {
    const r = createBackendRegistry();
    await expect(r.resolve('auto', 'onnx')).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING', message: expect.stringMatching(/runtime-node\/register/) });
    r.register(tfjsBackend, 1);
    await expect(r.resolve('onnxruntime-node', 'onnx')).rejects.toMatchObject({ code: 'E_RUNTIME_MISSING', message: expect.stringMatching(/"tfjs"/) });
    await expect(r.resolve('tfjs', 'onnx')).rejects.toMatchObject({ code: 'E_UNSUPPORTED_FORMAT' });
    await expect(r.resolve('', 'onnx')).rejects.toMatchObject({ code: 'E_CONFIG', field: 'backend' });
    expect((await r.resolve('tfjs', 'tfjs')).name).toBe('tfjs');
  });

  it('keeps the higher priority when a name is registered twice and rejects bad arguments', () => {
    const r = createBackendRegistry();
    const one = countingBackend('x', ['onnx']).backend;
    const two = countingBackend('x', ['tfjs']).backend;
    r.register(one, 10);
    r.register(two, 5);
    expect(r.list()).toEqual([{ name: 'x', priority: 10, formats: ['onnx'] }]);
    r.register(two, 10);
    expect(r.list()[0]?.formats).toEqual(['tfjs']);
    expect(() => r.register(one, Number.NaN)).toThrow(expect.objectContaining({ code: 'E_CONFIG', field: 'priority' }));
    expect(() => r.register({} as InferenceBackend)).toThrow(expect.objectContaining({ code: 'E_CONFIG', field: 'backend' }));
  });

  it('importRuntime keeps non-"missing" failures apart', async () => {
    await expect(importRuntime('some-pkg', () => Promise.reject(new Error('bad ELF header')))).rejects.toMatchObject({
      code: 'E_RUNTIME_FAILED',
      message: expect.stringMatching(/some-pkg failed to load: bad ELF header/),
    });
  });
});
