import { NOISE_LABELS } from '@noise-classifier/config';
import type { Classifier, ClipInput, ServedClassification } from '../../src/classifier';

/**
 * INTERIM: stands in until @noise-classifier/pipelines' NoiseClassifierService lands; then this file returns
 * the real service with a real ONNX model. Deterministic: the label follows the zero-crossing rate.
 */
export async function loadTestClassifier(): Promise<Classifier & { calls: number[] }> {
  const calls: number[] = [];
  const one = (clip: ClipInput): ServedClassification => {
    let zc = 0;
    for (let i = 1; i < clip.samples.length; i++) if ((clip.samples[i] >= 0) !== (clip.samples[i - 1] >= 0)) zc++;
    const rate = (zc / clip.samples.length) * clip.sampleRate;
    const scores = NOISE_LABELS.map((_, i) => -Math.abs(i * 100 - rate) / 200);
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const probabilities = Object.fromEntries(NOISE_LABELS.map((l, i) => [l, exp[i] / sum]));
    const ranked = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
    return {
      predicted_class: ranked[0][0],
      confidence: ranked[0][1],
      probabilities,
      top_k: ranked.slice(0, 5),
      duration_seconds: clip.samples.length / clip.sampleRate,
    };
  };
  return {
    calls,
    async classifyBatch(items) {
      calls.push(items.length);
      await new Promise((r) => setTimeout(r, 2));
      return items.map(one);
    },
    modelInfo: () => ({ modelVersion: 'interim', labels: NOISE_LABELS, untrained: true }),
  };
}
