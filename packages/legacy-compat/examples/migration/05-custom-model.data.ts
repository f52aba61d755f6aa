// Shared by both snippets: fixed-length feature vectors (MFCC statistics) of seeded synthetic clips.
import { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import { generateSyntheticClip, type SyntheticKind } from '@noise-classifier/pipelines';

export const CLASSES: SyntheticKind[] = ['white_noise', 'pink_noise', 'brown_noise', 'blue_noise', 'fire_alarm'];

const extractor = new TorchAudioFeatureExtractor(); // the seed's defaults: 48 kHz, 40 MFCCs

/** Mean and standard deviation of each MFCC over time: 2 × 40 = 80 numbers per clip, whatever its length. */
export function mfccStatistics(audio: Float32Array): Float32Array {
  const { data, bins, frames } = extractor.extractMfcc(audio);
  const out = new Float32Array(2 * bins);
  for (let k = 0; k < bins; k++) {
    const row = data.subarray(k * frames, (k + 1) * frames);
    const mean = row.reduce((a, b) => a + b, 0) / frames;
    out[k] = mean;
    out[bins + k] = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / frames);
  }
  return out;
}

export interface FeatureSet {
  features: Float32Array[];
  labels: number[];
}

/** `clipsPerClass` half-second clips of every class, labelled by class index. */
function syntheticSet(clipsPerClass: number, seed: number): FeatureSet {
  const features: Float32Array[] = [];
  const labels: number[] = [];
  CLASSES.forEach((kind, label) => {
    for (let i = 0; i < clipsPerClass; i++) {
      const clip = generateSyntheticClip(kind, { durationSeconds: 0.5, seed: seed * 1000 + label * 100 + i });
      features.push(mfccStatistics(clip.samples));
      labels.push(label);
    }
  });
  return { features, labels };
}

/** Train / validation / test sets, standardised with the training set's mean and spread (MFCCs span ±hundreds). */
export function syntheticSplits(): { train: FeatureSet; val: FeatureSet; test: FeatureSet } {
  const [train, val, test] = [syntheticSet(6, 1), syntheticSet(3, 2), syntheticSet(4, 3)];
  const n = train.features.length;
  const mean = new Float32Array(train.features[0]!.length); // 80: every vector has the same length
  const spread = new Float32Array(mean.length);
  for (const f of train.features) f.forEach((v, d) => (mean[d]! += v / n));
  for (const f of train.features) f.forEach((v, d) => (spread[d]! += (v - mean[d]!) ** 2 / n));
  for (const set of [train, val, test]) {
    for (const f of set.features) f.forEach((v, d) => (f[d] = (v - mean[d]!) / (Math.sqrt(spread[d]!) + 1e-6)));
  }
  return { train, val, test };
}
