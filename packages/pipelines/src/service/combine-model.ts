import { NOISE_LABELS, NoiseClassifierError } from '@noise-classifier/config';
import type { AudioInput } from '@noise-classifier/features';
import { ONNX_AUDIOSET_LOGITS_NAME, appendAudioSetCombinedHead, readOnnxModelInfo } from '@noise-classifier/models';
import type { NoiseClassifierService } from './noise-classifier-service';
import { NUM_AUDIOSET_CLASSES } from '../audioset/audioset-evidence';
import { EVIDENCE_EPSILON, combinedHeadGraphSpec, type AudioSetCombinerParams } from '../audioset/combined-head';
import type { CombinerExample } from '../audioset/fit-combiner';

/**
 * Clip-level calibration examples from a model with a trained head and an AudioSet output, through the service's
 * own classification (windows averaged): head logits = log of the averaged head probabilities (their log-softmax
 * is themselves), AudioSet logits = log-odds of the averaged AudioSet scores. Use clips the head did not train on.
 */
export async function combinerExamples(
  service: NoiseClassifierService,
  clips: readonly { readonly audio: AudioInput; readonly sampleRate?: number; readonly label: string }[],
): Promise<CombinerExample[]> {
  checkHeadModel(service.metadata.labels, service.metadata.labelSources, service.hasAudioSetOutput, service.modelLocation);
  const results = await service.classifyBatch(
    clips.map((c) => ({ audio: c.audio, sampleRate: c.sampleRate })),
    { topK: 1, audioSetTopK: NUM_AUDIOSET_CLASSES },
  );
  return results.map((result, i) => {
    const audioSetLogits = new Float32Array(NUM_AUDIOSET_CLASSES);
    for (const tag of result.audioSetTags!) {
      const s = Math.min(1 - EVIDENCE_EPSILON, Math.max(EVIDENCE_EPSILON, tag.score));
      audioSetLogits[tag.index] = Math.log(s / (1 - s));
    }
    const headLogits = Float32Array.from(service.labels, (l) => Math.log(Math.max(1e-12, result.probabilities[l] ?? 0)));
    return { label: clips[i]!.label, headLogits, audioSetLogits };
  });
}

/**
 * A model file over all 59 labels from one with a trained head and an AudioSet output (`train --pretrained
 * efficientat_mn04 --head-input embedding+audioset`): its labels stay trained, mapped labels come from the AudioSet
 * map with `params`, the rest are 0. `notes` (e.g. how the parameters were fitted) go into the metadata.
 */
export function combineModelWithAudioSet(bytes: Uint8Array, params: AudioSetCombinerParams, notes?: Readonly<Record<string, unknown>>): Uint8Array {
  const info = readOnnxModelInfo(bytes);
  checkHeadModel(info.metadata.labels, info.metadata.labelSources, info.outputs.some((o) => o.name === ONNX_AUDIOSET_LOGITS_NAME), 'the model');
  return appendAudioSetCombinedHead(bytes, combinedHeadGraphSpec({ trainedLabels: info.metadata.labels, ...params }, notes));
}

function checkHeadModel(labels: readonly string[], sources: Readonly<Record<string, string>> | undefined, hasAudioSet: boolean, source: string): void {
  if (!hasAudioSet) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${source} has no AudioSet output (${ONNX_AUDIOSET_LOGITS_NAME}) to combine with its head`, {
      field: 'model',
      expected: 'a model trained with train --pretrained efficientat_mn04 --head-input embedding+audioset',
      received: source,
    });
  }
  if (sources !== undefined && Object.values(sources).some((s) => s !== 'trained')) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${source} already has a combined head (mapped labels)`, {
      field: 'model',
      expected: 'the trained model before combining',
      received: `${Object.values(sources).filter((s) => s !== 'trained').length} mapped or uncovered labels`,
    });
  }
  const foreign = labels.find((l) => !NOISE_LABELS.includes(l));
  if (foreign !== undefined) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `Label ${foreign} of ${source} is not a taxonomy label`, {
      field: 'labels',
      expected: 'taxonomy labels (the combined head outputs all 59)',
      received: foreign,
    });
  }
}
