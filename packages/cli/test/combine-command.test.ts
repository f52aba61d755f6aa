import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIOSET_LABEL_MAP, NOISE_LABELS } from '@noise-classifier/config';
import { readOnnxModelInfo } from '@noise-classifier/models';
import { sharedPretrainedPath } from '../../../tooling/shared-data';
import { stageEsc10Clips } from '../../pipelines/test/helpers/esc10-clips';
import { untrainedOnnx } from '../../pipelines/test/helpers/untrained-model';
import { cli } from './helpers/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-combine-'));
const CLIPS = stageEsc10Clips(); // six real ESC-10 clips (dog bark, rain; folds 1–3) from ../shared/datasets
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const heldOut = join(dir, 'heldout');
const headModel = join(heldOut, 'model.onnx');

beforeAll(async () => {
  // A head on frozen mn04 (published AudioSet weights from ../shared) reading embedding + AudioSet scores, fold 1 held out.
  const trained = await cli('train', '--data', join(CLIPS, 'manifest.csv'), '--pretrained', sharedPretrainedPath('efficientat-mn04-as'), '--head-input', 'embedding+audioset',
    '--window-frames', '200', '--epochs', '20', '--batch-size', '4', '--learning-rate', '0.01', '--val-fold', '1', '--patience', '0', '--out', heldOut);
  expect(trained.code, trained.stderr).toBe(0);
}, 300_000);

describe('noise-classifier combine', () => {
  it('calibrates on the held-out fold and writes a model over all 59 labels: its own labels trained, the rest mapped or 0', async () => {
    const out = join(dir, 'combined.onnx');
    const r = await cli('combine', '--model', headModel, '--calibrate', headModel, '--data', join(CLIPS, 'manifest.csv'), '--val-fold', '1', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/calibrated on 2 clips of fold 1: scale \d/);
    const info = readOnnxModelInfo(new Uint8Array(readFileSync(out)));
    expect(info.metadata.labels).toEqual([...NOISE_LABELS]);
    const sources = info.metadata.labelSources!;
    expect(sources.dog_barking).toBe('trained');
    expect(sources.rain_heavy).toBe('trained');
    expect(Object.values(sources).filter((s) => s === 'none').length).toBe(AUDIOSET_LABEL_MAP.filter((e) => e.kind === 'unmapped').length);
    expect((info.metadata.trainingMetrics?.audioset_combiner as { calibration: string }).calibration).toMatch(/fold 1/);

    const classified = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--model', out, '--json', '--audioset', '3');
    expect(classified.code, classified.stderr).toBe(0);
    const [result] = JSON.parse(classified.stdout);
    expect(Object.keys(result.probabilities)).toEqual([...NOISE_LABELS]);
    expect(result.label_sources.vacuum_cleaner).toBe('mapped');
    expect(result.audioset_tags.map((t: { name: string }) => t.name)).toContain('Dog');
    // Two training clips per label make a weak head (alone it gives this clip 54% rain, 46% dog); combined, the two
    // trained labels still lead (measured 47% / 44%, then silence 6%): the calibrated map does not swamp them.
    expect(result.top_k.slice(0, 2).map(([label]: [string]) => label).sort()).toEqual(['dog_barking', 'rain_heavy']);
  }, 300_000);

  it('takes fixed parameters, and refuses neither/both, an already combined model and a model without AudioSet output', async () => {
    const fixed = await cli('combine', '--model', headModel, '--scale', '1', '--offset', '0', '--out', join(dir, 'fixed.onnx'));
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/scale 1\.000, offset 0\.000/);
    const neither = await cli('combine', '--model', headModel, '--out', join(dir, 'x.onnx'));
    expect(neither.stderr).toMatch(/E_CONFIG.*--calibrate.*--scale/);
    const twice = await cli('combine', '--model', join(dir, 'fixed.onnx'), '--scale', '1', '--offset', '0', '--out', join(dir, 'y.onnx'));
    expect(twice.stderr).toMatch(/E_MODEL_MISMATCH.*already has a combined head/);
    const plainModel = join(dir, 'cnn-small-no-audioset.onnx');
    writeFileSync(plainModel, await untrainedOnnx());
    const plain = await cli('combine', '--model', plainModel, '--scale', '1', '--offset', '0', '--out', join(dir, 'z.onnx'));
    expect(plain.stderr).toMatch(/E_MODEL_MISMATCH.*no AudioSet output/);
  }, 120_000);
});
