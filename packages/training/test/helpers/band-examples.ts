import { createPrng } from '@noise-classifier/pipelines';
import type { TrainingExamples } from '../../src/window-source';

/** Height and width of the band windows. */
export const BAND_SIZE = 8;

/** Class k: a bright horizontal band in rows [2k, 2k+2) of an 8×8 window, plus noise. Separable, but not trivially. */
export function bands(count: number, classes: number, seed: number, noise = 0.5): TrainingExamples {
  const prng = createPrng(seed);
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    const x = new Float32Array(BAND_SIZE * BAND_SIZE);
    for (let p = 0; p < x.length; p++) x[p] = noise * prng.normal() + (Math.floor(p / BAND_SIZE) >> 1 === k ? 1.5 : 0);
    inputs.push(x);
    labels.push(k);
  }
  return { inputs, labels, classNames: Array.from({ length: classes }, (_, k) => `band_${k}`), inputShape: [1, BAND_SIZE, BAND_SIZE] };
}
