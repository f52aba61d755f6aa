import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import { resolveRandom, type RandomOptions } from './random';

export interface MixupExample {
  /** Waveform or flattened spectrogram / model input; both examples must have the same length. */
  readonly input: Float32Array;
  /** One-hot (or soft) label vector, or a class index when `numClasses` is given. */
  readonly label: Float32Array | number;
}

export interface MixupOptions extends RandomOptions {
  /** Beta(α, α) concentration (e.g. 0.2 for mostly-one-sided mixes, 1 for uniform λ). */
  readonly alpha: number;
  /** Needed when labels are class indices. */
  readonly numClasses?: number;
}

function labelVector(label: Float32Array | number, numClasses: number | undefined, field: string): Float32Array {
  if (label instanceof Float32Array) return label;
  if (numClasses === undefined || !Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new NoiseClassifierError('E_LABEL', 'Mixup label must be a label vector or a class index below numClasses', {
      field,
      expected: numClasses === undefined ? 'a Float32Array (or set numClasses for class indices)' : `an integer in 0..${numClasses - 1}`,
      received: describeValue(label),
    });
  }
  const v = new Float32Array(numClasses);
  v[label] = 1;
  return v;
}

/** mixup (Zhang et al., 2018): λ ~ Beta(α, α); input = λ·a + (1−λ)·b; label = λ·y_a + (1−λ)·y_b. */
export function mixup(a: MixupExample, b: MixupExample, options: MixupOptions): { input: Float32Array; label: Float32Array; lambda: number } {
  const { alpha } = options;
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) {
    throw new NoiseClassifierError('E_CONFIG', 'mixup alpha must be positive', { field: 'alpha', expected: 'a finite number > 0', received: describeValue(alpha) });
  }
  if (!(a?.input instanceof Float32Array) || !(b?.input instanceof Float32Array) || a.input.length !== b.input.length || a.input.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'mixup inputs must be non-empty Float32Arrays of the same length', {
      field: 'input',
      expected: 'two Float32Arrays of equal length',
      received: `${describeValue(a?.input)} and ${describeValue(b?.input)}`,
    });
  }
  const ya = labelVector(a.label, options.numClasses, 'a.label');
  const yb = labelVector(b.label, options.numClasses, 'b.label');
  if (ya.length !== yb.length) {
    throw new NoiseClassifierError('E_LABEL', 'mixup labels differ in length', { field: 'label', expected: `${ya.length} classes`, received: `${yb.length}` });
  }
  const lambda = resolveRandom(options, 'mixup').beta(alpha, alpha);
  // Both pairs have equal lengths (checked above), so y[i] exists for every i of x.
  const mix = (x: Float32Array, y: Float32Array) => x.map((v, i) => lambda * v + (1 - lambda) * y[i]!);
  return { input: mix(a.input, b.input), label: mix(ya, yb), lambda };
}
