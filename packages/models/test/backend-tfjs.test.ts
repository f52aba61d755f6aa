import { describe, expect, it } from 'vitest';
import { createTfjsBackend, saveTfjsModel, createModelMetadata } from '../src/index';
import { conformanceModel, runBackendConformance } from './helpers/backend-conformance';

// The tfjs backend runs the in-memory LayersModel; the reference is tfjs's own predict on hand-transposed NHWC
// data, so this checks the backend's NCHW→NHWC handling, batching, reuse and dispose.
runBackendConformance({
  backend: () => createTfjsBackend({ device: 'wasm' }),
  source: (model) => ({ format: 'tfjs', model: model.tfjs }),
});

describe('tfjs backend: model sources', () => {
  it('runs tfjs-format files (model.json + weights.bin) like the in-memory model', async () => {
    const model = await conformanceModel('cnn_small');
    const files = await saveTfjsModel(model.tfjs, createModelMetadata({ modelConfig: { architecture: 'cnn_small' }, featureConfig: {}, untrained: true }));
    const backend = createTfjsBackend();
    const session = await backend.createSession({ format: 'tfjs', model: files });
    const [c, h, w] = model.inputShape;
    const out = await session.run(model.input16.subarray(0, 2 * c * h * w), [2, c, h, w]);
    let diff = 0;
    for (let i = 0; i < out.logits.length; i++) diff = Math.max(diff, Math.abs(out.logits[i]! - model.logits16[i]!));
    expect(diff).toBeLessThanOrEqual(1e-5);
    await session.dispose();
    // The caller's in-memory model is not disposed by a session that merely borrowed it.
    const borrowed = await backend.createSession({ format: 'tfjs', model: model.tfjs });
    await borrowed.dispose();
    expect(() => model.tfjs.getWeights()[0]!.dataSync()).not.toThrow();
  }, 120_000);

  it('rejects ONNX sources and objects that are not models', async () => {
    const backend = createTfjsBackend();
    await expect(backend.createSession({ format: 'onnx', bytes: new Uint8Array(4) })).rejects.toMatchObject({ code: 'E_UNSUPPORTED_FORMAT' });
    await expect(backend.createSession({ format: 'tfjs', model: { hello: 1 } })).rejects.toMatchObject({ code: 'E_UNSUPPORTED_FORMAT', field: 'model' });
  });
});
