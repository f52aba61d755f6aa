import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NOISE_LABELS } from '@noise-classifier/config';
import { loadTfjsModel } from '@noise-classifier/models';
import { onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';
import { runExport } from '../src/commands/export';
import { cli } from './helpers/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('noise-classifier export / inspect', () => {
  const onnxPath = join(dir, 'cnn_small.onnx');

  it('exports an untrained cnn_small to ONNX that inspect describes and onnxruntime runs', async () => {
    const exported = await cli('export', '--arch', 'cnn_small', '--untrained', '--out', onnxPath, '--seed', '3');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/ONNX cnn_small \(1 input channel\(s\), 59 classes, [\d,]+ parameters, untrained\)/);
    expect(exported.stderr).toMatch(/untrained weights/);

    const inspected = await cli('inspect', onnxPath, '--json');
    expect(inspected.code, inspected.stderr).toBe(0);
    const doc = JSON.parse(inspected.stdout);
    expect(doc.opset).toBe(17);
    expect(doc.inputs).toEqual([{ name: 'input', elem_type: 'float32', shape: ['batch', 1, 128, 128] }]);
    expect(doc.outputs.map((o: { name: string }) => o.name)).toEqual(['logits', 'probabilities']);
    expect(doc.outputs[0].shape).toEqual(['batch', 59]);
    expect(doc.metadata.labels).toEqual([...NOISE_LABELS]);
    expect(doc.metadata.untrained).toBe(true);
    expect(doc.metadata.model_config.architecture).toBe('cnn_small');
    expect(doc.metadata.feature_config.sample_rate).toBe(48000);
    expect(doc.parameter_count).toBeGreaterThan(100_000);
    expect(doc.size_bytes).toBe(readFileSync(onnxPath).byteLength);

    const human = await cli('inspect', onnxPath);
    expect(human.stdout).toMatch(/opset 17/);
    expect(human.stdout).toMatch(/inputs: +input float32 \[batch, 1, 128, 128\]/);
    expect(human.stdout).toMatch(/UNTRAINED/);

    // Calibrated batch norm: logits of a random input are of order one, not vanishing.
    const session = await onnxRuntimeNodeBackend.createSession({ format: 'onnx', bytes: new Uint8Array(readFileSync(onnxPath)) });
    const input = Float32Array.from({ length: 128 * 128 }, (_, i) => Math.sin(i * 0.37));
    const { logits } = await session.run(input, [1, 1, 128, 128]);
    await session.dispose();
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(Math.max(...logits.map(Math.abs))).toBeGreaterThan(1e-3);
  }, 120_000);

  it('takes custom labels and 3 input channels; writes tfjs checkpoints; converts them back to ONNX', async () => {
    const labelsPath = join(dir, 'labels.json');
    writeFileSync(labelsPath, JSON.stringify(['dog_bark', 'siren', 'rain']));
    const tfjsDir = join(dir, 'ckpt');
    const result = await runExport({ arch: 'cnn_small', untrained: true, inChannels: 3, labels: labelsPath, format: 'tfjs', out: tfjsDir });
    expect(result.metadata.labels).toEqual(['dog_bark', 'siren', 'rain']);
    const loaded = await loadTfjsModel({ modelJson: readFileSync(join(tfjsDir, 'model.json'), 'utf8'), weightsBin: new Uint8Array(readFileSync(join(tfjsDir, 'weights.bin'))) });
    expect(loaded.model.outputs.map((o) => o.shape)).toEqual([[null, 3]]);
    expect(loaded.model.inputs.map((i) => i.shape)).toEqual([[null, 128, 128, 3]]);
    loaded.model.dispose();

    const converted = join(dir, 'converted.onnx');
    const conversion = await cli('export', '--from', tfjsDir, '--out', converted);
    expect(conversion.code, conversion.stderr).toBe(0);
    const doc = JSON.parse((await cli('inspect', converted, '--json')).stdout);
    expect(doc.inputs[0].shape).toEqual(['batch', 3, 128, 128]);
    expect(doc.metadata.labels).toEqual(['dog_bark', 'siren', 'rain']);
  }, 120_000);

  it('explains what it cannot do', async () => {
    const torchscript = await cli('export', '--arch', 'cnn_small', '--untrained', '--format', 'torchscript', '--out', join(dir, 'x.pt'));
    expect(torchscript.code).toBe(1);
    expect(torchscript.stderr).toMatch(/E_UNSUPPORTED_FORMAT: torchscript is a PyTorch format .*export ONNX instead/);

    const unknown = await cli('export', '--arch', 'resnet50', '--untrained', '--out', join(dir, 'x.onnx'));
    expect(unknown.stderr).toMatch(/E_CONFIG: .*--arch.*efficientnet_b0/);
    expect((await cli('export', '--arch', 'cnn_small', '--out', join(dir, 'x.onnx'))).stderr).toMatch(/--untrained .* or --from/);
    expect((await cli('export', '--arch', 'cnn_small', '--untrained', '--in-channels', '2', '--out', join(dir, 'x.onnx'))).stderr).toMatch(/in-channels must be 1 or 3/);
    const badLabels = join(dir, 'bad-labels.json');
    writeFileSync(badLabels, '{"not": "an array"}');
    expect((await cli('export', '--arch', 'cnn_small', '--untrained', '--labels', badLabels, '--out', join(dir, 'x.onnx'))).stderr).toMatch(/E_LABEL/);

    const missing = await cli('inspect', join(dir, 'nope.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/E_MODEL_NOT_FOUND: .*nope\.onnx/);
    const garbage = join(dir, 'garbage.onnx');
    writeFileSync(garbage, new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
    expect((await cli('inspect', garbage)).stderr).toMatch(/E_MODEL_FORMAT/);
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(onnxPath).subarray(0, 5000));
    expect((await cli('inspect', truncated)).stderr).toMatch(/E_MODEL_FORMAT/);
  }, 60_000);
});
