import { readFileSync } from 'node:fs';
import { sharedPretrainedPath } from '../../../../tooling/shared-data';

/** In `../shared/pretrained` beside the repository (CI places it there); the weights are never copied into the repo. */
export const MN04_WEIGHTS = sharedPretrainedPath('efficientat-mn04-as/mn04_as.safetensors');
const reference = (name: string) => sharedPretrainedPath(`efficientat-mn04-as/reference/${name}`);

export interface ReferenceCase {
  readonly name: string;
  readonly mel_shape: [number, number];
  readonly embedding_dim: number;
  readonly logits_dim: number;
}

/** The reference cases (EfficientAT's own outputs for three clips) listed in reference/index.json. */
export const referenceCases = (JSON.parse(readFileSync(reference('index.json'), 'utf8')) as { cases: ReferenceCase[] }).cases;

/** Reads a little-endian float32 reference tensor. */
export function readReference(name: string): Float32Array {
  const bytes = readFileSync(reference(name));
  const out = new Float32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * max |a − b| / max |b|: the error relative to the reference's scale. Per-element relative error is meaningless for
 * logits and embedding entries near zero (many of the 527 logits and pooled hard-swish features are), so the
 * scale of the whole vector is the denominator.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}
