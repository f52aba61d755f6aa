import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@noise-classifier/features';
import { runCli } from '../src/program';
import { runTrain, type TrainCommandOptions } from '../src/commands/train';
import { sharedPretrainedPath } from '../../../tooling/shared-data';

/** `../shared/pretrained` (holds efficientat-mn04-as/). */
const MN04_ROOT = join(sharedPretrainedPath('efficientat-mn04-as/mn04_as.safetensors'), '..', '..');

const wav = (samples: Float32Array, sampleRate: number) => encodeWav(samples, sampleRate, { clip: true });

let root: string;
const base = (out: string): TrainCommandOptions => ({
  data: [join(root, 'data')], valSplit: 0.34, arch: 'cnn_small', epochs: 2, batchSize: 4, learningRate: 3e-3, weightDecay: 1e-4,
  patience: 0, seed: 3, out, synthetic: 0, augment: true, mixup: 0.2, classWeights: 'balanced', dropout: 0.1, resume: true,
  nMels: 16, hopLength: 2048, windowFrames: 16, quiet: true,
});

describe('train command', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'nc-train-'));
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 1073741824 - 1);
    for (const label of ['tone', 'hiss']) {
      await mkdir(join(root, 'data', label), { recursive: true });
      for (let k = 0; k < 6; k++) {
        const x = Float32Array.from({ length: 16000 }, (_, i) =>
          label === 'tone' ? 0.5 * Math.sin((2 * Math.PI * (800 + 50 * k) * i) / 16000) + 0.01 * rand() : 0.3 * rand());
        await writeFile(join(root, 'data', label, `${label}-${k}.wav`), wav(x, 16000));
      }
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the ONNX model (metadata inside), a tfjs checkpoint, history and an HTML report; resumes', async () => {
    const out = join(root, 'out');
    const summary = await runTrain(base(out), { stdout: () => {}, stderr: () => {} });
    expect(summary.labels).toEqual(['hiss', 'tone']);
    expect(summary.epochs).toBe(2);
    // onnxruntime-node is installed here, so it computes the gradients by default; the report says so.
    expect(summary.engine).toMatch(/^onnxruntime \(\d+ threads?\)$/);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8'));
    expect(Object.keys(history).sort()).toEqual(['train_acc', 'train_loss', 'val_acc', 'val_loss']);
    expect(history.train_loss).toHaveLength(2);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toMatch(/Confusion matrix/);
    expect(html).toContain(summary.engine);
    const evaluation = JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8'));
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(evaluation.confusion_matrix).toHaveLength(2);
    // The ONNX file runs in onnxruntime and carries labels and the feature config used in training.
    const session = await ort.InferenceSession.create(await readFile(summary.onnxPath));
    const input = new ort.Tensor('float32', new Float32Array(16 * 16), [1, 1, 16, 16]);
    const result = await session.run({ [session.inputNames[0]!]: input });
    expect(result[session.outputNames[0]!]!.dims).toEqual([1, 2]);
    const bytes = new TextDecoder('latin1').decode(await readFile(summary.onnxPath));
    expect(bytes).toContain('"n_mels":16');
    expect(bytes).toContain('["hiss","tone"]');
    expect((await stat(join(out, 'model-tfjs', 'model.json'))).isFile()).toBe(true);

    // A second invocation with more epochs continues from the checkpoint instead of starting over.
    const more = await runTrain({ ...base(out), epochs: 3 }, { stdout: () => {}, stderr: () => {} });
    expect(more.epochs).toBe(3);
    expect(JSON.parse(await readFile(join(out, 'history.json'), 'utf8')).train_loss.slice(0, 2)).toEqual(history.train_loss);

    // export --checkpoint <train out> to ONNX and tfjs.
    const lines: string[] = [];
    const io = { stdout: (t: string) => void lines.push(t), stderr: (t: string) => void lines.push(t) };
    expect(await runCli(['export', '--checkpoint', out, '--format', 'onnx', '--out', join(root, 'exported.onnx')], io)).toBe(0);
    expect((await stat(join(root, 'exported.onnx'))).size).toBeGreaterThan(10_000);
    expect(await runCli(['export', '--checkpoint', out, '--format', 'tfjs', '--out', join(root, 'exported-tfjs')], io)).toBe(0);
    expect((await stat(join(root, 'exported-tfjs', 'model.json'))).isFile()).toBe(true);
    expect(await runCli(['export', '--checkpoint', join(root, 'nowhere'), '--format', 'onnx', '--out', join(root, 'x.onnx')], io)).toBe(1);
    expect(lines.join('')).toMatch(/E_MODEL_NOT_FOUND/);
  }, 180_000);

  it('--ensemble 2 writes one ONNX file averaging two members; --windows-per-clip, --eq-augment, --keep-last', async () => {
    const out = join(root, 'ens');
    const options = { ...base(out), epochs: 1, ensemble: 2, windowsPerClip: 2, eqAugment: 6, keepLast: true, labelSmoothing: 0.1 };
    const summary = await runTrain(options, { stdout: () => {}, stderr: () => {} });
    expect((await stat(join(out, 'checkpoint-m2', 'last.ckpt'))).isFile()).toBe(true);
    const bytes = await readFile(summary.onnxPath);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.outputNames).toEqual(['logits', 'probabilities']);
    const x = Float32Array.from({ length: 2 * 16 * 16 }, (_, i) => -60 + 30 * Math.sin(i));
    const result = await session.run({ input: new ort.Tensor('float32', x, [2, 1, 16, 16]) });
    const p = result.probabilities!.data as Float32Array;
    const logits = result.logits!.data as Float32Array;
    expect(p[0]! + p[1]!).toBeCloseTo(1, 5);
    expect(Math.exp(logits[0]!)).toBeCloseTo(p[0]!, 5);
    // Two members' weights: about twice the single model's file.
    const single = (await stat(join(root, 'out', 'model.onnx'))).size;
    expect(bytes.byteLength).toBeGreaterThan(1.8 * single);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('"ensemble":2');
    expect(text).toContain('"windowsPerClip":2');
    expect(text).toContain('"labelSmoothing":0.1');
    expect((await stat(join(out, 'evaluation.json'))).isFile()).toBe(true);
    // Each member's own tfjs files, and they hold different weights (other seeds).
    const [first, second] = await Promise.all(['model-tfjs', 'model-tfjs-m2'].map((d) => readFile(join(out, d, 'weights.bin'))));
    expect(second!.byteLength).toBe(first!.byteLength);
    expect(Buffer.compare(first!, second!)).not.toBe(0);
  }, 180_000);

  it('reports bad options as errors a person can act on', async () => {
    const errors: string[] = [];
    const code = await runCli(['train', '--data', join(root, 'data'), '--val-fold', '1', '--val-split', '0.2', '--out', join(root, 'o2')], { stdout: () => {}, stderr: (t) => void errors.push(t) });
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(/either --val-fold or --val-split/);
    const code2 = await runCli(['train', '--data', join(root, 'missing'), '--out', join(root, 'o3')], { stdout: () => {}, stderr: (t) => void errors.push(t) });
    expect(code2).not.toBe(0);
    const code3 = await runCli(['train', '--data', join(root, 'data'), '--engine', 'torch', '--out', join(root, 'o4')], { stdout: () => {}, stderr: (t) => void errors.push(t) });
    expect(code3).not.toBe(0);
    expect(errors.join('')).toMatch(/--engine must be onnxruntime or tfjs, received "torch"/);
  });

  it('--engine tfjs trains with tfjs; --engine onnxruntime --threads 1 says its thread count', async () => {
    const viaTfjs = await runTrain({ ...base(join(root, 'tfjs')), epochs: 1, engine: 'tfjs' }, { stdout: () => {}, stderr: () => {} });
    expect(viaTfjs.engine).toBe('tfjs-wasm');
    const lines: string[] = [];
    expect(await runCli(['train', '--data', join(root, 'data'), '--val-split', '0.34', '--epochs', '1', '--n-mels', '16', '--hop-length', '2048',
      '--window-frames', '16', '--engine', 'onnxruntime', '--threads', '1', '--out', join(root, 'ort1')], { stdout: (t) => void lines.push(t), stderr: () => {} })).toBe(0);
    expect(JSON.parse(lines.join('')).engine).toBe('onnxruntime (1 thread)');
  }, 120_000);

  it('--pretrained efficientat_mn04 trains a head on the frozen AudioSet backbone; the model carries its front end and the weights\' licence', async () => {
    const out = join(root, 'pretrained');
    const options: TrainCommandOptions = {
      ...base(out), nMels: undefined, hopLength: undefined, windowFrames: 100, epochs: 15, learningRate: 1e-2, mixup: 0,
      pretrained: 'efficientat_mn04', pretrainedRoot: MN04_ROOT,
    };
    const summary = await runTrain(options, { stdout: () => {}, stderr: () => {} });
    expect(summary.labels).toEqual(['hiss', 'tone']);
    expect(summary.validation!.accuracy).toBe(1); // a tone vs hiss: the pretrained embedding separates them at once
    const bytes = new TextDecoder('latin1').decode(await readFile(summary.onnxPath));
    expect(bytes).toContain('"sample_rate":32000');
    expect(bytes).toContain('"mel_scale":"kaldi"');
    expect(bytes).toContain('Copyright (c) 2022 Florian Schmid');
    expect(bytes).toContain('efficientat_mn04');
    const session = await ort.InferenceSession.create(await readFile(summary.onnxPath));
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(128 * 100), [1, 1, 128, 100]) });
    expect(result[session.outputNames[0]!]!.dims).toEqual([1, 2]);
  }, 240_000);

  it('--pretrained: a missing folder, a weights file cut short and a changed front end are errors naming what is wrong', async () => {
    const errors: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => void errors.push(t) };
    const missing = join(root, 'no-such-weights');
    expect(await runCli(['train', '--data', join(root, 'data'), '--pretrained', missing, '--out', join(root, 'p1')], io)).not.toBe(0);
    expect(errors.join('')).toContain(missing);
    expect(errors.join('')).toMatch(/E_MODEL_NOT_FOUND/);
    const cut = join(root, 'cut-weights');
    await mkdir(cut, { recursive: true });
    const full = await readFile(join(MN04_ROOT, 'efficientat-mn04-as', 'mn04_as.safetensors'));
    await writeFile(join(cut, 'mn04_as.safetensors'), full.subarray(0, 1000));
    errors.length = 0;
    expect(await runCli(['train', '--data', join(root, 'data'), '--pretrained', cut, '--out', join(root, 'p2')], io)).not.toBe(0);
    expect(errors.join('')).toContain(join(cut, 'mn04_as.safetensors'));
    expect(errors.join('')).toMatch(/E_MODEL_FORMAT/);
    errors.length = 0;
    expect(await runCli(['train', '--data', join(root, 'data'), '--pretrained', 'efficientat_mn04', '--pretrained-root', MN04_ROOT, '--n-mels', '64', '--out', join(root, 'p3')], io)).not.toBe(0);
    expect(errors.join('')).toContain('--n-mels');
    errors.length = 0;
    expect(await runCli(['train', '--data', join(root, 'data'), '--pretrained', 'efficientat_mn04', '--pretrained-root', MN04_ROOT, '--ensemble', '2', '--out', join(root, 'p4')], io)).not.toBe(0);
    expect(errors.join('')).toContain('--ensemble');
  }, 120_000);

  it('--exclude-fold cannot drop the validation fold', async () => {
    const error = await runTrain({ ...base(join(root, 'x')), valSplit: undefined, valFold: 1, excludeFold: [1] }, { stdout: () => {}, stderr: () => {} }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('E_CONFIG');
    expect((error as Error).message).toContain('excluded');
  });
});
