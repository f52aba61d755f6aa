import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageEsc10Clips } from '../../pipelines/test/helpers/esc10-clips';
import { cli } from './helpers/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-classify-'));
const CLIPS = stageEsc10Clips(); // six real ESC-10 clips from ../shared/datasets, one folder per class
const model = join(dir, 'small.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


beforeAll(async () => {
  // A real (untrained) model file through the CLI's own export command.
  const labelsFile = join(dir, 'labels.json');
  writeFileSync(labelsFile, JSON.stringify(['dog_barking', 'rain_heavy', 'fire_alarm', 'silence']));
  const exported = await cli('export', '--arch', 'cnn_small', '--untrained', '--labels', labelsFile, '--out', model, '--seed', '1');
  expect(exported.code, exported.stderr).toBe(0);
}, 120_000);

describe('noise-classifier classify', () => {
  it('prints snake_case JSON with one object per file, and warns about an untrained model', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking'), join(CLIPS, 'rain_heavy', '1-17367-A.ogg'), '--model', model, '--top-k', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/untrained model/);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(4);
    expect(out[0].file).toMatch(/dog_barking\/1-100032-A\.ogg$/);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(expect.arrayContaining(['file', 'predicted_class', 'confidence', 'probabilities', 'top_k']));
      expect(o.top_k).toHaveLength(2);
      expect(o.metadata.untrained).toBe(true);
    }
  });

  it('classifies a bundled real clip with the bundled default model when --model is omitted', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking', '2-114587-A.ogg'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/untrained/);
    const [out] = JSON.parse(r.stdout);
    expect(out.metadata.untrained).toBe(false);
    expect(out.probabilities).toHaveProperty('dog_barking');
  });

  it('prints a table with a timeline for --window/--hop, and a progress bar for many files', async () => {
    const many = join(dir, 'many');
    for (let i = 0; i < 3; i++) cpSync(CLIPS, join(many, String(i)), { recursive: true });
    const r = await cli('classify', many, '--model', model, '--window', '2', '--hop', '1.5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^file\s+predicted\s+confidence/);
    expect(r.stdout).toMatch(/0\.00–2\.0\d s/);
    expect(r.stderr).toMatch(/classify \[#+\.*\] \d+\/18/);
  }, 120_000);

  it('exits non-zero with a message on stderr for missing files, models and bad options', async () => {
    const missing = await cli('classify', join(dir, 'nope.wav'), '--model', model);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.wav does not exist/);
    const badModel = await cli('classify', CLIPS, '--model', join(dir, 'nope.onnx'));
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/E_MODEL_NOT_FOUND/);
    const badTopK = await cli('classify', CLIPS, '--model', model, '--top-k', '0');
    expect(badTopK.code).not.toBe(0);
    expect(badTopK.stderr).toMatch(/top-k/);
    const notAudio = join(dir, 'notes.wav');
    writeFileSync(notAudio, 'not audio at all');
    const bad = await cli('classify', notAudio, join(CLIPS, 'rain_heavy', '1-17367-A.ogg'), '--model', model, '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toHaveLength(1); // the good file is still reported
    expect(bad.stderr).toMatch(/notes\.wav: E_DECODE/);
  });
});

describe('noise-classifier evaluate', () => {
  it('reports accuracy and macro-F1 as fractions, per class and the confusion matrix with its labels', async () => {
    const r = await cli('evaluate', '--data', join(CLIPS, 'manifest.csv'), '--model', model, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.accuracy).toBeLessThanOrEqual(1);
    expect(report.macro_f1).toBeGreaterThanOrEqual(0);
    expect(report.macro_f1).toBeLessThanOrEqual(1);
    expect(report.labels).toEqual(expect.arrayContaining(['dog_barking', 'rain_heavy']));
    expect(report.confusion_matrix).toHaveLength(report.labels.length);
    expect(report.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(6);
    expect(report.per_class.dog_barking.support).toBe(3);
  });

  it('evaluates one fold of a folder or manifest, in a table', async () => {
    const folder = await cli('evaluate', '--data', CLIPS, '--model', model);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout).toMatch(/clips 6 {2}accuracy [\d.]+% {2}macro-F1/);
    const fold = await cli('evaluate', '--data', join(CLIPS, 'manifest.csv'), '--model', model, '--fold', '2', '--json');
    expect(JSON.parse(fold.stdout).sample_count).toBe(2);
    // Several datasets pool their clips (here the same six twice, fold 1 only → 4 clips).
    const pooled = await cli('evaluate', '--data', join(CLIPS, 'manifest.csv'), '--data', join(CLIPS, 'manifest.csv'), '--model', model, '--fold', '1', '--json');
    expect(pooled.code, pooled.stderr).toBe(0);
    expect(JSON.parse(pooled.stdout).sample_count).toBe(4);
    const missing = await cli('evaluate', '--data', join(dir, 'none.csv'), '--model', model);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/E_DATASET/);
  });
});
