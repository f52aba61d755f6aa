import { NoiseClassifierError, type ClassWeighting } from '@noise-classifier/config';

/**
 * Per-class loss weights. 'balanced' is scikit-learn's n_samples / (n_classes · count), so every class carries the
 * same total weight; classes absent from the data get weight 0 (they never occur as targets anyway).
 */
export function resolveClassWeights(weighting: ClassWeighting, targets: readonly number[], numClasses: number): Float32Array {
  const w = new Float32Array(numClasses).fill(1);
  if (weighting === 'none') return w;
  if (weighting === 'balanced') {
    const counts = new Array<number>(numClasses).fill(0);
    for (const t of targets) counts[t]! += 1;
    const present = counts.filter((c) => c > 0).length;
    counts.forEach((c, i) => (w[i] = c > 0 ? targets.length / (present * c) : 0));
    return w;
  }
  if (weighting.length !== numClasses) {
    throw new NoiseClassifierError('E_CONFIG', 'classWeighting needs one weight per class', {
      field: 'classWeighting',
      expected: `${numClasses} weights`,
      received: `${weighting.length}`,
    });
  }
  weighting.forEach((x, i) => (w[i] = x));
  return w;
}
