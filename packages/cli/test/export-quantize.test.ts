import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { decodeOnnxModel, encodeOnnxModel, floatInitializerValues, readOnnxModelInfo, widenFloat16Weights } from '@noise-classifier/models';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { defaultModelPath } from '@noise-classifier/pipelines/node';
import { runExport } from '../src/commands/export';
import { stageEsc10Clips } from '../../pipelines/test/helpers/esc10-clips';
import { cli } from './helpers/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-quantize-'));
const CLIPS = stageEsc10Clips(); // six real ESC-10 clips from ../shared/datasets, one folder per class
// The bundled model ships with float16-stored weights; its float32 form (same function) is what quantisation starts from.
const fp32DefaultBytes = widenFloat16Weights(new Uint8Array(readFileSync(defaultModelPath)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function labelsOf(model: string, clip: string): Promise<string> {
  const service = await NoiseClassifierService.create({ modelPath: model });
  try {
    return (await service.classify(new Uint8Array(readFileSync(clip)))).predictedClass;
  } finally {
    await service.dispose();
  }
}

describe('noise-classifier export --quantize (the bundled default model, real onnxruntime-node)', () => {
  it('fp16: passes the gate, half the size, same predictions', async () => {
    const out = join(dir, 'default-fp16.onnx');
    const r = await cli('export', '--quantize', 'fp16', '--model', defaultModelPath, '--data', CLIPS, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy gate: fp16 \d+\.\d% vs fp32 \d+\.\d% on 6 held-out clips .*: passed/);
    expect(statSync(out).size).toBeLessThan(fp32DefaultBytes.byteLength * 0.55);
    expect(readOnnxModelInfo(new Uint8Array(readFileSync(out))).metadataProps.quantization).toMatch(/float16 weights/);
    const clip = join(CLIPS, 'dog_barking', '1-100032-A.ogg');
    expect(await labelsOf(out, clip)).toBe(await labelsOf(defaultModelPath, clip));
  }, 120_000);

  it('int8 (static, calibrated) and int8-weights: pass the gate; int8 Conv weights, int8-weights under a third of fp32', async () => {
    for (const quantize of ['int8', 'int8-weights'] as const) {
      const out = join(dir, `default-${quantize}.onnx`);
      // Six clips: one changed prediction is 16.7 points, so this test allows one (the 1-point default needs ~100+ clips).
      const result = await runExport({ quantize, model: defaultModelPath, data: CLIPS, out, maxAccuracyDrop: 20 });
      expect(result.gate?.clips).toBe(6);
      expect(result.gate!.dropPoints).toBeLessThanOrEqual(20);
      expect(result.bytes).toBe(statSync(out).size);
      expect(result.fp32Bytes).toBe(fp32DefaultBytes.byteLength); // quantised from the widened float32 form
      if (quantize === 'int8-weights') expect(result.bytes).toBeLessThan(result.fp32Bytes! / 3);
      // Static int8 quantises convolutions only (dense layers such as the AudioSet classifier stay float32), so the
      // file's size depends on the architecture: check that every Conv weight is stored as int8 instead.
      else expect(floatConvWeights(new Uint8Array(readFileSync(out)))).toEqual([]);
      expect(result.bytes).toBeLessThan(result.fp32Bytes!);
      expect(result.metadata.labels).toEqual(readOnnxModelInfo(new Uint8Array(readFileSync(defaultModelPath))).metadata.labels);
      const described = readOnnxModelInfo(new Uint8Array(readFileSync(out))).metadataProps.quantization;
      if (quantize === 'int8') {
        expect(described).toMatch(/^static int8/);
        expect(result.gate!.quantized.calibrationWindows).toBeGreaterThan(6); // every window of the six clips
      } else {
        expect(described).toMatch(/^int8 weights/);
      }
    }
  }, 180_000);

  it('static int8 calibrates on the folds outside --fold, so the gate measures on clips calibration never saw', async () => {
    const manifest = join(CLIPS, 'manifest.csv'); // the same six clips, two per ESC fold 1–3, all 5 s long
    const all = await runExport({ quantize: 'int8', model: defaultModelPath, data: manifest, out: join(dir, 'all.onnx'), maxAccuracyDrop: 100 });
    const held = await runExport({ quantize: 'int8', model: defaultModelPath, data: manifest, fold: 1, out: join(dir, 'held.onnx'), maxAccuracyDrop: 100 });
    expect(all.gate!.clips).toBe(6);
    expect(held.gate!.clips).toBe(2);
    expect(all.gate!.quantized.calibrationWindows).toBeGreaterThan(6);
    // Equal-length clips give equal window counts: calibration saw the other 4 clips, not the 2 gate clips.
    expect(held.gate!.quantized.calibrationWindows! * 6).toBe(all.gate!.quantized.calibrationWindows! * 4);
  }, 180_000);

  it('fails the gate with E_ACCURACY_GATE and writes nothing when int8 breaks the model', async () => {
    const broken = join(dir, 'outsized.onnx');
    writeFileSync(broken, withOutsizedInputChannels(fp32DefaultBytes));
    const clip = join(CLIPS, 'rain_heavy', '1-17367-A.ogg');
    expect(await labelsOf(broken, clip)).toBe(await labelsOf(defaultModelPath, clip)); // same function in fp32
    const out = join(dir, 'broken-int8.onnx');
    const error = await runExport({ quantize: 'int8', model: broken, data: CLIPS, out }).catch((e: unknown) => e);
    expect(isNoiseClassifierError(error, 'E_ACCURACY_GATE')).toBe(true);
    expect(String((error as Error).message)).toMatch(/int8 model is \d+\.\d points less accurate than fp32 on 6 held-out clips .*nothing was written/);
    expect(existsSync(out)).toBe(false);
    const r = await cli('export', '--quantize', 'int8', '--model', broken, '--data', CLIPS, '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/E_ACCURACY_GATE/);
    expect(existsSync(out)).toBe(false);
  }, 180_000);

  it('explains missing gate data and a --model without --quantize', async () => {
    await expect(runExport({ quantize: 'int8', model: defaultModelPath, out: join(dir, 'x.onnx') })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'data' });
    await expect(runExport({ model: defaultModelPath, out: join(dir, 'x.onnx') })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'model' });
    await expect(runExport({ quantize: 'fp16', model: defaultModelPath, data: CLIPS, format: 'tfjs', out: dir })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'format' });
    const r = await cli('export', '--quantize', 'int4', '--model', defaultModelPath, '--out', join(dir, 'x.onnx'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/int8, int8-weights, fp16/);
  });
});

/** Names of Conv weights still stored as float32 initialisers. */
function floatConvWeights(bytes: Uint8Array): string[] {
  const graph = decodeOnnxModel(bytes).graph!;
  const floats = new Set((graph.initializer ?? []).filter((t) => t.dataType === 1).map((t) => t.name!));
  return graph.node!.filter((n) => n.opType === 'Conv' && floats.has(n.input![1]!)).map((n) => n.input![1]!);
}

/**
 * Every convolution that reads an earlier layer gets its input channel 0 weights ×1000, and a `Mul` (a small float
 * constant, left unquantised) scales that channel by 1/1000 just before it: the same function in fp32, but each
 * output channel's int8 scale is then set by the outsized weights and every other weight rounds to almost zero.
 */
function withOutsizedInputChannels(bytes: Uint8Array): Uint8Array {
  const model = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const inputName = graph.input![0]!.name;
  for (const conv of graph.node!.filter((n) => n.opType === 'Conv' && n.input![0] !== inputName)) {
    const weight = graph.initializer!.find((t) => t.name === conv.input![1])!;
    const [, inChannels, kh, kw] = weight.dims!;
    const values = floatInitializerValues(weight);
    for (let i = 0; i < values.length; i++) if (Math.floor(i / (kh! * kw!)) % inChannels! === 0) values[i]! *= 1000;
    weight.rawData = new Uint8Array(values.buffer);
    delete weight.floatData;
    const undo = `${conv.input![1]}_undo`;
    const scale = Float32Array.from({ length: inChannels! }, (_, c) => (c === 0 ? 1 / 1000 : 1));
    graph.initializer!.push({ name: undo, dims: [inChannels!, 1, 1], dataType: 1, rawData: new Uint8Array(scale.buffer) });
    graph.node!.splice(graph.node!.indexOf(conv), 0, { input: [conv.input![0]!, undo], output: [`${undo}_out`], name: undo, opType: 'Mul' });
    conv.input![0] = `${undo}_out`;
  }
  return encodeOnnxModel(model);
}
