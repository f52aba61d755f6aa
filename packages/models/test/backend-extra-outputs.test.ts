import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModel, createModelMetadata, createOrtBackend, exportOnnx, ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME, type OrtModuleLike, type OrtTensorLike } from '../src/index';
import { randomInput } from './onnx-helpers';
import { tfWasm } from './tf-wasm';

// The real onnxruntime-node behind our adapter (what runtime-node registers), no mock.
const backend = createOrtBackend({
  name: 'onnxruntime-node',
  packageName: 'onnxruntime-node',
  load: async () => ort as unknown as OrtModuleLike,
  sessionOptions: () => ({ intraOpNumThreads: 1 }),
});

describe('InferenceSession.run extra outputs (e.g. audioset_logits beside logits)', () => {
  it('returns the named outputs [batch × width] beside the logits, and names the outputs a model has', async () => {
    const tf = await tfWasm();
    const features = { spectrogramHeight: 32, spectrogramWidth: 32 };
    const model = await buildModel({ architecture: 'cnn_small', inputChannels: 1 }, features, { tf, seed: 1 });
    const bytes = exportOnnx(model, createModelMetadata({ featureConfig: features, modelConfig: { architecture: 'cnn_small' }, untrained: true }));
    model.dispose();
    const session = await backend.createSession({ format: 'onnx', bytes });
    try {
      expect(session.outputNames).toEqual(expect.arrayContaining([ONNX_LOGITS_NAME, ONNX_PROBABILITIES_NAME]));
      const shape = [2, 1, 32, 32] as const;
      const input = randomInput(shape, 3);
      const plain = await session.run(input, shape);
      expect(plain.extra).toBeUndefined();
      const out = await session.run(input, shape, { extraOutputs: [ONNX_PROBABILITIES_NAME] });
      expect(out.logits).toEqual(plain.logits);
      const probs = out.extra![ONNX_PROBABILITIES_NAME]!;
      expect(probs.width).toBe(out.numClasses);
      expect(probs.data.length).toBe(2 * out.numClasses);
      // The exporter's probabilities output is the softmax of its logits.
      for (let r = 0; r < 2; r++) {
        const row = Array.from(out.logits.subarray(r * out.numClasses, (r + 1) * out.numClasses));
        const max = Math.max(...row);
        const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
        row.forEach((v, c) => expect(probs.data[r * out.numClasses + c]).toBeCloseTo(Math.exp(v - max) / sum, 5));
      }
      // The logits asked for again as an extra: both copies are read before the one tensor is released.
      const again = await session.run(input, shape, { extraOutputs: [ONNX_LOGITS_NAME] });
      expect(again.extra![ONNX_LOGITS_NAME]!.data).toEqual(plain.logits);
      await expect(session.run(input, shape, { extraOutputs: ['audioset_logits'] })).rejects.toMatchObject({
        code: 'E_MODEL_MISMATCH',
        field: 'extraOutputs',
        message: expect.stringContaining('"audioset_logits"'),
      });
    } finally {
      await session.dispose();
    }
  });
});

describe('ort adapter: outputs the model or runtime does not provide', () => {
  // A stand-in runtime: its session declares `outputNames` and answers every run with `returned`.
  const fakeBackend = (outputNames: string[], returned: Record<string, OrtTensorLike>) =>
    createOrtBackend({
      name: 'fake-ort',
      packageName: 'fake-ort',
      load: async () => ({
        InferenceSession: {
          create: async () => ({ inputNames: ['input'], outputNames, run: async () => returned, release: async () => {} }),
        },
        Tensor: class {
          constructor(
            readonly type: 'float32',
            readonly data: Float32Array,
            readonly dims: readonly number[],
          ) {}
        },
      }),
      sessionOptions: () => ({}),
    });
  const shape = [1, 1, 4, 4] as const;
  const input = new Float32Array(16);

  it('a model without outputs is E_MODEL_FORMAT when the session opens', async () => {
    await expect(fakeBackend([], {}).createSession({ format: 'onnx', bytes: new Uint8Array(1) })).rejects.toMatchObject({
      code: 'E_MODEL_FORMAT',
      field: 'output',
      received: 'none',
    });
  });

  it('a run that returns no logits, or logits without a class axis, is E_MODEL_MISMATCH', async () => {
    const missing = await fakeBackend(['logits'], {}).createSession({ format: 'onnx', bytes: new Uint8Array(1) });
    await expect(missing.run(input, shape)).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH', field: 'logits', received: 'no such output' });
    const flat = await fakeBackend(['logits'], { logits: { data: new Float32Array(1), dims: [1] } }).createSession({ format: 'onnx', bytes: new Uint8Array(1) });
    await expect(flat.run(input, shape)).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH', field: 'logits', received: '[1]' });
  });
});
