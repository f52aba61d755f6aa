import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOISE_LABELS } from '@noise-classifier/config';
import { stageEsc10Clips } from '../../pipelines/test/helpers/esc10-clips';
import { audioSetOnlyModel } from '../../pipelines/test/helpers/audioset-model';
import { untrainedOnnx } from '../../pipelines/test/helpers/untrained-model';
import { cli } from './helpers/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-audioset-'));
const CLIPS = stageEsc10Clips(); // real ESC-10 clips from ../shared/datasets
const model = join(dir, 'mn04-audioset-59.onnx');
const plainModel = join(dir, 'cnn-small-no-audioset.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


beforeAll(async () => {
  // mn04 with the AudioSet weights and the combined head over all 59 labels (AudioSet evidence only).
  writeFileSync(model, await audioSetOnlyModel());
  writeFileSync(plainModel, await untrainedOnnx());
}, 120_000);

describe('noise-classifier classify --audioset', () => {
  it('adds audioset_tags and label_sources to the JSON; all 59 labels come back, each with its source', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--model', model, '--audioset', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [out] = JSON.parse(r.stdout);
    expect(out.audioset_tags).toHaveLength(3);
    expect(out.audioset_tags.map((t: { name: string }) => t.name)).toContain('Dog');
    expect(Object.keys(out.probabilities)).toEqual([...NOISE_LABELS]);
    expect(Object.keys(out.label_sources)).toEqual([...NOISE_LABELS]);
    expect(new Set(Object.values(out.label_sources))).toEqual(new Set(['mapped', 'none']));
    expect(out.predicted_class).toBe('dog_barking');
  }, 120_000);

  it('prints the tags under each row, marks mapped labels, and takes five tags for a bare --audioset', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--model', model, '--audioset');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dog_barking \(mapped\)/);
    const tags = /AudioSet: (.*)\n/.exec(r.stdout)?.[1] ?? '';
    expect(tags.match(/ \d+\.\d%/g)).toHaveLength(5); // names may hold commas ("Domestic animals, pets")
  }, 120_000);

  it('the default model has the AudioSet output: tags, and all 59 labels trained, mapped or none', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--audioset', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [out] = JSON.parse(r.stdout);
    expect(out.audioset_tags).toHaveLength(2);
    expect(Object.keys(out.probabilities)).toEqual([...NOISE_LABELS]);
    expect(new Set(Object.values(out.label_sources))).toEqual(new Set(['trained', 'mapped', 'none']));
    expect(out.predicted_class).toBe('dog_barking');
  }, 120_000);

  it('says which model lacks an AudioSet output instead of failing every file', async () => {
    const r = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--model', plainModel, '--audioset', '2');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`E_MODEL_MISMATCH: --audioset needs a model with an AudioSet output; ${plainModel} has none`);
    const bad = await cli('classify', join(CLIPS, 'dog_barking', '1-100032-A.ogg'), '--model', model, '--audioset', '0');
    expect(bad.stderr).toMatch(/--audioset must be a positive integer/);
  }, 120_000);
});
