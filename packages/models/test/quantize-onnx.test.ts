import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import {
  activationsToCalibrate,
  buildModel,
  calibrateActivations,
  calibrateBatchNorm,
  calibrationModel,
  createModelMetadata,
  exportOnnx,
  quantizeOnnx,
  quantizeOnnxStatic,
  readOnnxModelInfo,
  QUANTIZATION_METADATA_KEY,
  isFloat16StoredModel,
  widenFloat16Weights,
} from '../src/index';
import { createOrtBackend, type OrtModuleLike } from '../src/backends/ort-backend';
import { FLOAT16_MAX, float16BitsToFloat32, float32ToFloat16Bits } from '../src/onnx/float16';
import { decodeOnnxModel, encodeOnnxModel, floatInitializerValues, type OnnxModelMessage, type OnnxNodeMessage } from '../src/onnx/onnx-model-codec';
import { tfWasm } from './tf-wasm';
import { maxAbsDiff, randomInput, runOrt, std } from './onnx-helpers';

const FEATURES = { spectrogramHeight: 32, spectrogramWidth: 32 };
const LABELS = ['a', 'b', 'c', 'd', 'e'];
const SHAPE = [4, 1, 32, 32] as const;

async function fp32Model(): Promise<Uint8Array> {
  const tf = await tfWasm();
  const modelConfig = { architecture: 'cnn_small', labels: LABELS, numClasses: LABELS.length };
  const model = await buildModel(modelConfig, FEATURES, { tf, seed: 3 });
  calibrateBatchNorm(model, tf, { batches: 1, batchSize: 2, seed: 4 });
  try {
    return exportOnnx(model, createModelMetadata({ featureConfig: FEATURES, modelConfig, labels: LABELS, untrained: true }));
  } finally {
    model.dispose();
  }
}

describe('float16 conversion', () => {
  it('round-trips every finite half exactly, and rounds to nearest even', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // Inf/NaN
      if (float32ToFloat16Bits(float16BitsToFloat32(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(FLOAT16_MAX)).toBe(0x7bff);
    expect(float32ToFloat16Bits(70_000)).toBe(0x7c00); // overflow → Inf
    expect(float32ToFloat16Bits(2 ** -24)).toBe(1); // smallest subnormal
    // 1 + 2^-11 lies exactly between 1 and the next half (1 + 2^-10): ties go to the even mantissa, 1.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });
});

describe('quantizeOnnx', () => {
  it('int8-weights: per-channel int8 weights with Cast + Mul; onnxruntime runs it close to fp32, the file ~4× smaller', async () => {
    const fp32 = await fp32Model();
    const q = quantizeOnnx(fp32, { mode: 'int8-weights' });
    expect(q.tensors).toBe(5); // four convolutions and the dense layer
    expect(q.bytes.byteLength).toBeLessThan(fp32.byteLength * 0.3);
    const info = readOnnxModelInfo(q.bytes);
    expect(info.metadata.labels).toEqual(LABELS);
    expect(info.metadataProps[QUANTIZATION_METADATA_KEY]).toMatch(/int8 weights \(per-channel/);
    const decoded = decodeOnnxModel(q.bytes);
    expect(decoded.graph!.node!.filter((n) => n.opType === 'Cast')).toHaveLength(5);
    expect(decoded.graph!.node!.filter((n) => n.opType === 'Mul')).toHaveLength(5);
    expect(decoded.graph!.initializer!.filter((t) => t.dataType === 3)).toHaveLength(5); // int8 weights

    const input = randomInput(SHAPE, 7);
    const [a, b] = await Promise.all([runOrt(fp32, input, SHAPE), runOrt(q.bytes, input, SHAPE)]);
    // 8-bit weights: a relative error of about 1% of the logits' spread, far from a different model.
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(0.05 * std(a.logits));
    expect(maxAbsDiff(a.logits, b.logits)).toBeGreaterThan(0); // it really changed the weights
  });

  it('int8-weights codes: each channel uses the full ±127 range and dequantises to within half a step', async () => {
    const fp32 = await fp32Model();
    const original = decodeOnnxModel(fp32).graph!.initializer!.find((t) => (t.dims ?? []).length === 4)!;
    const q = decodeOnnxModel(quantizeOnnx(fp32, { mode: 'int8-weights' }).bytes).graph!.initializer!;
    const raw = q.find((t) => t.name === `${original.name}_int8`)!.rawData!;
    const codes = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    const scales = floatInitializerValues(q.find((t) => t.name === `${original.name}_scale`)!);
    const w = floatInitializerValues(original);
    const channels = original.dims![0]!;
    const inner = w.length / channels;
    expect(scales).toHaveLength(channels);
    expect(q.find((t) => t.name === `${original.name}_scale`)!.dims).toEqual([channels, 1, 1, 1]);
    for (let c = 0; c < channels; c++) {
      let peak = 0;
      for (let i = c * inner; i < (c + 1) * inner; i++) {
        peak = Math.max(peak, Math.abs(codes[i]!));
        expect(Math.abs(codes[i]! * scales[c]! - w[i]!)).toBeLessThanOrEqual(scales[c]! / 2 + 1e-7);
      }
      expect(peak).toBe(127);
    }
  });

  it('fp16: float16 initialisers with Casts; half the size, outputs within fp16 rounding of fp32', async () => {
    const fp32 = await fp32Model();
    const q = quantizeOnnx(fp32, { mode: 'fp16' });
    expect(q.bytes.byteLength).toBeLessThan(fp32.byteLength * 0.55);
    expect(decodeOnnxModel(q.bytes).graph!.node!.filter((n) => n.opType === 'Cast')).toHaveLength(q.tensors);
    const input = randomInput(SHAPE, 8);
    const [a, b] = await Promise.all([runOrt(fp32, input, SHAPE), runOrt(q.bytes, input, SHAPE)]);
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(0.005 * std(a.logits));
  });

  it('per-tensor int8-weights on a model with one outsized channel loses it; per-channel does not (why per-channel is the default)', async () => {
    const fp32 = await fp32Model();
    const broken = withOutsizedChannel(fp32);
    const input = randomInput(SHAPE, 9);
    const reference = await runOrt(broken, input, SHAPE);
    // The rescaling is exact in fp32: the outsized model computes what the original does.
    expect(maxAbsDiff(reference.logits, (await runOrt(fp32, input, SHAPE)).logits)).toBeLessThan(1e-3 * std(reference.logits));
    const perChannel = await runOrt(quantizeOnnx(broken, { mode: 'int8-weights' }).bytes, input, SHAPE);
    const perTensor = await runOrt(quantizeOnnx(broken, { mode: 'int8-weights', perChannel: false }).bytes, input, SHAPE);
    expect(maxAbsDiff(reference.logits, perChannel.logits)).toBeLessThan(0.05 * std(reference.logits));
    expect(maxAbsDiff(reference.logits, perTensor.logits)).toBeGreaterThan(5 * maxAbsDiff(reference.logits, perChannel.logits));
  });

  it('refuses an unknown mode, an already quantised model and a model with nothing to quantise', async () => {
    const fp32 = await fp32Model();
    expect(() => quantizeOnnx(fp32, { mode: 'int4' as 'fp16' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', field: 'mode' }));
    const once = quantizeOnnx(fp32, { mode: 'fp16' }).bytes;
    const twice = (() => {
      try {
        quantizeOnnx(once, { mode: 'int8-weights' });
      } catch (error) {
        return error;
      }
    })();
    expect(isNoiseClassifierError(twice, 'E_MODEL_FORMAT')).toBe(true);
    expect(String(twice)).toMatch(/already quantised/);
    expect(() => quantizeOnnx(fp32, { mode: 'int8-weights', minElements: 10_000_000 })).toThrow(/Nothing to quantise/);
    expect(() => quantizeOnnx(new Uint8Array([1, 2, 3]), { mode: 'int8-weights' })).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT' }));
  });
});

/**
 * The first convolution's output channel 0 scaled up 1000× and scaled back by a `Mul` right after it (a small
 * float constant that stays unquantised): the same function in fp32, but one channel of that weight dwarfs the
 * rest, so a single per-tensor scale rounds the other channels' weights to almost nothing.
 */
function withOutsizedChannel(bytes: Uint8Array): Uint8Array {
  const model = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const conv = graph.node!.find((n) => n.opType === 'Conv')!;
  const scaleInitializer = (name: string, select: (index: number) => boolean) => {
    const tensor = graph.initializer!.find((t) => t.name === name)!;
    const values = floatInitializerValues(tensor);
    for (let i = 0; i < values.length; i++) if (select(i)) values[i]! *= 1000;
    tensor.rawData = new Uint8Array(values.buffer);
    delete tensor.floatData;
    return tensor.dims!;
  };
  const dims = scaleInitializer(conv.input![1]!, (i) => i < 9); // [out, 1, 3, 3]: channel 0 is the first 9 values
  if (conv.input![2]) scaleInitializer(conv.input![2], (i) => i === 0);
  const undo = Float32Array.from({ length: dims[0]! }, (_, c) => (c === 0 ? 1 / 1000 : 1));
  graph.initializer!.push({ name: 'undo_outsized', dims: [dims[0]!, 1, 1], dataType: 1, rawData: new Uint8Array(undo.buffer) });
  const output = conv.output![0]!;
  conv.output = [`${output}_outsized`];
  graph.node!.splice(graph.node!.indexOf(conv) + 1, 0, { input: [`${output}_outsized`, 'undo_outsized'], output: [output], name: 'undo_outsized', opType: 'Mul' });
  return encodeOnnxModel(model);
}

describe('quantizeOnnxStatic (calibrated int8 QDQ)', () => {
  const backend = createOrtBackend({
    name: 'onnxruntime-node',
    packageName: 'onnxruntime-node',
    load: () => import('onnxruntime-node') as Promise<OrtModuleLike>,
    sessionOptions: () => ({ executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 }),
  });

  async function staticModel(fp32: Uint8Array, calibrationSeeds: number[]) {
    const activations = activationsToCalibrate(fp32);
    const calibration = calibrationModel(fp32, activations);
    const session = await backend.createSession({ format: 'onnx', bytes: calibration.bytes });
    try {
      const ranges = await calibrateActivations(session, activations, calibrationSeeds.map((seed) => ({ data: randomInput(SHAPE, seed), shape: SHAPE })));
      return { ranges, activations, bytes: quantizeOnnxStatic(fp32, ranges) };
    } finally {
      await session.dispose();
    }
  }

  it('calibrates every Conv/MaxPool activation and writes QDQ that onnxruntime runs close to fp32', async () => {
    const fp32 = await fp32Model();
    const { ranges, activations, bytes } = await staticModel(fp32, [11, 12]);
    expect(activations).toContain('input');
    expect(activations.length).toBe(9); // input + 4 × (MaxPool in, MaxPool out)
    for (const name of activations) expect(ranges.get(name)!.max).toBeGreaterThan(ranges.get(name)!.min);
    // After ReLU the range starts at 0: the uint8 zero point is then 0 and ReLU folds into the integer convolution.
    const pooled = activations.filter((a) => a !== 'input');
    for (const name of pooled) expect(ranges.get(name)!.min).toBeGreaterThanOrEqual(0);
    const graph = decodeOnnxModel(bytes).graph!;
    expect(graph.node!.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(9);
    expect(graph.initializer!.filter((t) => t.dataType === 6)).toHaveLength(8); // 4 int32 biases + their zero points
    expect(readOnnxModelInfo(bytes).metadataProps[QUANTIZATION_METADATA_KEY]).toMatch(/^static int8/);

    const input = randomInput(SHAPE, 13); // not a calibration batch
    const [a, b] = await Promise.all([runOrt(fp32, input, SHAPE), runOrt(bytes, input, SHAPE)]);
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(0.1 * std(a.logits));
    expect(maxAbsDiff(a.logits, b.logits)).toBeGreaterThan(0);
  });

  it('needs at least one calibration window and a range for every activation', async () => {
    const fp32 = await fp32Model();
    const activations = activationsToCalibrate(fp32);
    const session = await backend.createSession({ format: 'onnx', bytes: calibrationModel(fp32, activations).bytes });
    try {
      await expect(calibrateActivations(session, activations, [])).rejects.toMatchObject({ code: 'E_DATASET' });
    } finally {
      await session.dispose();
    }
    expect(() => quantizeOnnxStatic(fp32, new Map())).toThrow(expect.objectContaining({ code: 'E_CONFIG', field: 'ranges' }));
  });

  it('refuses a file whose Conv reads its weight from no initialiser, or whose weight holds fewer values than its dims', async () => {
    const fp32 = await fp32Model();
    const ranges = new Map(activationsToCalibrate(fp32).map((name) => [name, { min: -1, max: 1 }]));
    const edited = (edit: (model: OnnxModelMessage, convs: OnnxNodeMessage[]) => void) => {
      const model = decodeOnnxModel(fp32);
      edit(model, model.graph!.node!.filter((n) => n.opType === 'Conv'));
      return encodeOnnxModel(model);
    };
    const computedWeight = edited((_, [conv]) => {
      conv!.input![1] = 'computed_elsewhere';
    });
    expect(() => quantizeOnnxStatic(computedWeight, ranges)).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', received: 'computed_elsewhere' }));
    const truncatedWeight = edited((model, [conv]) => {
      const weight = model.graph!.initializer!.find((t) => t.name === conv!.input![1])!;
      weight.rawData = weight.rawData!.subarray(0, 8);
    });
    expect(() => quantizeOnnxStatic(truncatedWeight, ranges)).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', received: '2 values' }));
  });
});

describe('widenFloat16Weights', () => {
  it('turns an fp16-stored model back into float32 initialisers computing the same outputs', async () => {
    const fp16 = quantizeOnnx(await fp32Model(), { mode: 'fp16' }).bytes;
    expect(isFloat16StoredModel(fp16)).toBe(true);
    const widened = widenFloat16Weights(fp16);
    expect(isFloat16StoredModel(widened)).toBe(false);
    const graph = decodeOnnxModel(widened).graph!;
    expect(graph.initializer!.filter((t) => t.dataType === 10)).toEqual([]); // no float16 tensor left
    expect(graph.node!.filter((n) => n.opType === 'Cast')).toEqual([]);
    expect(readOnnxModelInfo(widened).metadataProps[QUANTIZATION_METADATA_KEY]).toBeUndefined();
    const input = randomInput(SHAPE, 7);
    // Every half is exact in float32 and both graphs compute in float32: the outputs are identical.
    expect(maxAbsDiff((await runOrt(widened, input, SHAPE)).logits, (await runOrt(fp16, input, SHAPE)).logits)).toBe(0);
    // So it can be quantised again, which the fp16-stored file itself refuses.
    expect(quantizeOnnx(widened, { mode: 'int8-weights' }).tensors).toBeGreaterThan(0);
  });

  it('refuses a model that was not stored as float16 (fp32, int8 weights) with E_MODEL_FORMAT', async () => {
    const fp32 = await fp32Model();
    for (const bytes of [fp32, quantizeOnnx(fp32, { mode: 'int8-weights' }).bytes]) {
      let error: unknown;
      try {
        widenFloat16Weights(bytes);
      } catch (e) {
        error = e;
      }
      expect(isNoiseClassifierError(error, 'E_MODEL_FORMAT')).toBe(true);
    }
  });
});
