/*
 * EfficientAT mn04 with the published AudioSet weights (read from ../shared, never copied into the repo), exported
 * by our own exporter, with the combined head over all 59 labels appended and no trained head: every label mapped
 * from AudioSet evidence or uncovered. A real model with an `audioset_logits` output for service and CLI tests.
 */
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AUDIOSET_CLASSES, EFFICIENTAT_MN04_FEATURE_CONFIG, createAudioFeatureConfig } from '@noise-classifier/config';
import { appendAudioSetCombinedHead, buildModel, createModelMetadata, exportOnnx, loadEfficientAtWeights, loadTf, readSafetensors } from '@noise-classifier/models';
import { combinedHeadGraphSpec } from '../../src/audioset/combined-head';

const WEIGHTS = fileURLToPath(new URL('../../../../../shared/pretrained/efficientat-mn04-as/mn04_as.safetensors', import.meta.url));

/** Frames per model window of the test models: 2 s keeps tests quick (the network pools over time). */
export const AUDIOSET_TEST_FRAMES = 200;

const cache = new Map<number, Promise<Uint8Array>>();

/** The AudioSet-only 59-label model with windows of `frames` frames (built once per process and width). */
export function audioSetOnlyModel(frames = AUDIOSET_TEST_FRAMES): Promise<Uint8Array> {
  let cached = cache.get(frames);
  cached ??= (async () => {
    const tf = await loadTf();
    await tf.setBackend('wasm');
    const featureConfig = createAudioFeatureConfig({ ...EFFICIENTAT_MN04_FEATURE_CONFIG, spectrogramWidth: frames });
    const modelConfig = { architecture: 'efficientat_mn04', labels: AUDIOSET_CLASSES.map(([, name]) => name), inputChannels: 1 };
    const model = await buildModel(modelConfig, featureConfig, { tf });
    loadEfficientAtWeights(tf, model, readSafetensors(new Uint8Array(readFileSync(WEIGHTS)), { source: WEIGHTS }), { source: WEIGHTS, featureConfig });
    const mn04 = exportOnnx(model, createModelMetadata({ featureConfig, modelConfig }));
    model.dispose();
    return appendAudioSetCombinedHead(mn04, combinedHeadGraphSpec({ trainedLabels: [], mappedScale: 1, mappedOffset: 0 }));
  })();
  cache.set(frames, cached);
  return cached;
}
