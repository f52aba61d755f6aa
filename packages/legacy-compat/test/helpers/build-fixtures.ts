/*
 * What the migration snippets and the wrapper tests open: `model.onnx`, a randomly initialised cnn_small exported by
 * our own ONNX exporter (seeded, so every run builds the same model; its results say `untrained: true`), and
 * `clip.wav`, a synthetic ISO 8201 fire-alarm clip at 44.1 kHz (so classification also resamples).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '@noise-classifier/features';
import { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, loadTf } from '@noise-classifier/models';
import { generateSyntheticClip } from '@noise-classifier/pipelines';

export const FIXTURE_LABELS = ['dog_barking', 'rain_heavy', 'fire_alarm', 'silence', 'white_noise'];
export const CLIP_SAMPLE_RATE = 44_100;

export async function untrainedModelBytes(): Promise<Uint8Array> {
  const tf = await loadTf();
  await tf.setBackend('cpu');
  const modelConfig = { architecture: 'cnn_small', labels: FIXTURE_LABELS, numClasses: FIXTURE_LABELS.length, inputChannels: 1 as const };
  const featureConfig = { sampleRate: 48_000 };
  const model = await buildModel(modelConfig, featureConfig, { seed: 1 } as never);
  calibrateBatchNorm(model, tf, { batches: 1, batchSize: 2 } as never);
  const bytes = exportOnnx(model, createModelMetadata({ modelConfig, featureConfig, untrained: true }));
  model.dispose();
  return bytes;
}

/** 16-bit PCM mono WAV (loud samples clipped). */
export function wavBytes(samples: Float32Array, sampleRate: number): Uint8Array {
  return encodeWav(samples, sampleRate, { clip: true });
}

export function alarmClip(): Float32Array {
  return generateSyntheticClip('fire_alarm', { sampleRate: CLIP_SAMPLE_RATE, durationSeconds: 3, seed: 7, levelDb: -12 }).samples;
}

/** Writes model.onnx and clip.wav into `dir`. */
export async function writeFixtures(dir: string): Promise<void> {
  writeFileSync(join(dir, 'model.onnx'), await untrainedModelBytes());
  writeFileSync(join(dir, 'clip.wav'), wavBytes(alarmClip(), CLIP_SAMPLE_RATE));
}
