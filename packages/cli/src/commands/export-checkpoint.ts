import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { NoiseClassifierError } from '@noise-classifier/config';

/**
 * `export --checkpoint <dir>`: the folder holding the tfjs-format model (model.json + weights.bin, metadata
 * inside) of a checkpoint. Accepts a `noise-classifier train --out` folder (its `model-tfjs/`), a tfjs folder,
 * or a model.json path.
 */
export async function resolveCheckpointDir(checkpoint: string): Promise<string> {
  const path = resolve(checkpoint);
  const candidates = path.endsWith('.json') ? [path] : [join(path, 'model-tfjs', 'model.json'), join(path, 'model.json')];
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isFile()) return dirname(candidate);
    } catch {
      // try the next one
    }
  }
  throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `No tfjs checkpoint at ${checkpoint}`, {
    field: '--checkpoint',
    expected: 'a `noise-classifier train --out` folder (with model-tfjs/model.json), a tfjs folder or a model.json',
    received: `${candidates.join(' or ')} (missing)`,
  });
}
