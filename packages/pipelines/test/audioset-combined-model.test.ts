import { nodeRuntime } from '@noise-classifier/runtime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIOSET_LABEL_MAP, NOISE_LABELS } from '@noise-classifier/config';
import { ONNX_AUDIOSET_LOGITS_NAME, appendAudioSetCombinedHead, readOnnxModelInfo } from '@noise-classifier/models';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { combineHeadAndAudioSet, combinedHeadGraphSpec } from '../src/audioset/combined-head';
import { toWireClassification, fromWireClassification } from '../src/wire/classification-wire';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';
import { TEST_LABELS, untrainedOnnx } from './helpers/untrained-model';
import { AUDIOSET_TEST_FRAMES as FRAMES, audioSetOnlyModel } from './helpers/audioset-model';

let audioSetOnly: Uint8Array;

beforeAll(async () => {
  // All 59 labels from AudioSet alone (no trained head): mapped labels from their evidence, the rest 0.
  audioSetOnly = await audioSetOnlyModel();
}, 120_000);

/** Runs an ONNX file's logits and AudioSet logits on the windows of a clip, through the service's own session. */
async function runBoth(service: NoiseClassifierService, bytes: Uint8Array) {
  const samples = await service.prepareAudio(bytes);
  const batch = service.featurize(samples, FRAMES);
  const session = (service as unknown as { session: { run: (...a: unknown[]) => Promise<{ logits: Float32Array; extra: Record<string, { data: Float32Array }> }> } }).session;
  const out = await session.run(batch.data, [batch.count, 1, batch.height, batch.width], { extraOutputs: [ONNX_AUDIOSET_LOGITS_NAME] });
  return { rows: batch.count, logits: out.logits, audioSet: out.extra[ONNX_AUDIOSET_LOGITS_NAME]!.data };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the combined head in an ONNX file (appendAudioSetCombinedHead + combinedHeadGraphSpec)', () => {
  it('an AudioSet-only model classifies a real dog bark over all 59 labels, each marked mapped or none, with AudioSet tags', async () => {
    const info = readOnnxModelInfo(audioSetOnly);
    expect(info.metadata.labels).toEqual([...NOISE_LABELS]);
    expect(info.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities', ONNX_AUDIOSET_LOGITS_NAME]);
    const service = await NoiseClassifierService.create({ model: audioSetOnly, runtime: nodeRuntime });
    try {
      const result = await service.classify(readSharedClip(SHARED_CLIPS.dogBark), undefined, { topK: 3, audioSetTopK: 5 });
      expect(Object.keys(result.probabilities)).toEqual([...NOISE_LABELS]);
      const unmapped = AUDIOSET_LABEL_MAP.filter((e) => e.kind === 'unmapped').map((e) => e.label);
      expect(Object.entries(result.labelSources!).filter(([, s]) => s === 'none').map(([l]) => l)).toEqual(unmapped);
      expect(Object.values(result.labelSources!).filter((s) => s === 'mapped').length).toBe(NOISE_LABELS.length - unmapped.length);
      for (const label of unmapped) expect(result.probabilities[label]).toBe(0);
      // Real network, real clip: AudioSet hears a dog, so the mapped label is dog_barking.
      expect(result.audioSetTags!.map((t) => t.name)).toEqual(expect.arrayContaining(['Dog']));
      expect(result.predictedClass).toBe('dog_barking');
      const wire = toWireClassification(result);
      expect(wire.label_sources).toEqual(result.labelSources);
      expect(wire.audioset_tags![0]).toEqual({ index: result.audioSetTags![0]!.index, mid: result.audioSetTags![0]!.mid, name: result.audioSetTags![0]!.name, score: result.audioSetTags![0]!.score });
      expect(fromWireClassification(JSON.parse(JSON.stringify(wire)))).toEqual(result);
    } finally {
      await service.dispose();
    }
  }, 120_000);

  it('computes in onnxruntime what combineHeadAndAudioSet computes, for trained, mapped and uncovered labels', async () => {
    // Stage 1: a three-label "head" (AudioSet evidence only). Stage 2: those three as trained labels, the rest mapped or none.
    const head = ['dog_barking', 'rain_heavy', 'thunder'];
    const stage1 = appendAudioSetCombinedHead(audioSetOnly, combinedHeadGraphSpec({ trainedLabels: [], labels: head, mappedScale: 1, mappedOffset: 0 }));
    expect(readOnnxModelInfo(stage1).metadata.labels).toEqual(head);
    const spec = { trainedLabels: head, mappedScale: 0.7, mappedOffset: -1.5 };
    const stage2 = appendAudioSetCombinedHead(stage1, combinedHeadGraphSpec(spec));
    expect(readOnnxModelInfo(stage2).metadata.labelSources).toMatchObject({ dog_barking: 'trained', vacuum_cleaner: 'mapped', brown_noise: 'none' });
    const s1 = await NoiseClassifierService.create({ model: stage1, runtime: nodeRuntime });
    const s2 = await NoiseClassifierService.create({ model: stage2, runtime: nodeRuntime });
    try {
      const clip = readSharedClip(SHARED_CLIPS.drilling);
      const first = await runBoth(s1, clip);
      const second = await runBoth(s2, clip);
      expect(maxAbsDiff(first.audioSet, second.audioSet)).toBe(0);
      const expected = combineHeadAndAudioSet(first.logits, first.audioSet, first.rows, spec);
      // float32 graph vs float64 reference: near-saturated evidence (e ≈ 0.9999) leaves 1 − e with a few float32
      // steps, so the log-odds agree to about 1e-3 logit units there; everywhere else far closer.
      expect(maxAbsDiff(second.logits, expected)).toBeLessThan(2e-3);
    } finally {
      await s1.dispose();
      await s2.dispose();
    }
  }, 120_000);

  it('refuses AudioSet tags from a model without an AudioSet output, and trained slots without a head', async () => {
    const plain = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime });
    try {
      expect(plain.hasAudioSetOutput).toBe(false);
      const audio = new Float32Array(48_000).fill(0.1);
      await expect(plain.classify(audio, 48_000, { audioSetTopK: 3 })).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH', field: 'audioSetTopK' });
      await expect(plain.classify(audio, 48_000, { audioSetTopK: -1 })).rejects.toMatchObject({ code: 'E_CONFIG', field: 'audioSetTopK' });
      // A model without label_sources metadata trained every label.
      const result = await plain.classify(audio, 48_000);
      expect(result.labelSources).toEqual(Object.fromEntries(TEST_LABELS.map((l) => [l, 'trained'])));
    } finally {
      await plain.dispose();
    }
    const stage1 = appendAudioSetCombinedHead(audioSetOnly, combinedHeadGraphSpec({ trainedLabels: [], labels: ['dog_barking'], mappedScale: 1, mappedOffset: 0 }));
    expect(() => appendAudioSetCombinedHead(stage1, { labels: ['x'], slots: [{ source: 'trained', headIndex: 3 }], mappedScale: 1, mappedOffset: 0 })).toThrow(
      expect.objectContaining({ code: 'E_MODEL_MISMATCH', field: 'slots' }),
    );
  });
});
