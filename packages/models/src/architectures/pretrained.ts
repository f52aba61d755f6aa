import { NoiseClassifierError } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';
import { loadTfjsModel, type TfjsModelFiles } from '../tfjs-format/tfjs-model-files';

/** Reads a checkpoint (tfjs-format files written by `saveTfjsModel`) from wherever the platform keeps it. */
export type PretrainedWeightsLoader = (path: string) => Promise<TfjsModelFiles>;

/** Name of the classifier layer; it may differ in size from the checkpoint's (fine-tuning to new labels). */
const HEAD_LAYER = 'logits';

/**
 * Copies weights from a checkpoint into a freshly built model, layer by layer and by name. The classifier head
 * is kept freshly initialised when its size differs (new label set); any other mismatch is E_MODEL_MISMATCH.
 */
export async function applyPretrainedWeights(
  tf: TfModule,
  model: Tf.LayersModel,
  path: string,
  loadWeights: PretrainedWeightsLoader,
): Promise<void> {
  let files: TfjsModelFiles;
  try {
    files = await loadWeights(path);
  } catch (cause) {
    if (cause instanceof NoiseClassifierError) throw cause;
    throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `Could not read pretrained weights from ${path}: ${(cause as Error)?.message ?? String(cause)}`, {
      field: 'pretrainedWeightsPath',
      expected: 'a checkpoint (model.json + weights.bin) exported by @noise-classifier',
      received: JSON.stringify(path),
      cause,
    });
  }
  // Labels may legitimately differ from the checkpoint's, so read it with its own metadata only.
  const { model: checkpoint } = await loadTfjsModel(files, { tf });
  try {
    let copied = 0;
    for (const layer of model.layers) {
      const own = layer.getWeights();
      if (own.length === 0) continue;
      let source: Tf.layers.Layer;
      try {
        source = checkpoint.getLayer(layer.name);
      } catch {
        throw mismatch(path, `it has no layer named ${layer.name}`);
      }
      const theirs = source.getWeights();
      const sameShapes = theirs.length === own.length && theirs.every((t, i) => t.shape.join() === own[i]!.shape.join());
      if (!sameShapes) {
        if (layer.name === HEAD_LAYER) continue;
        throw mismatch(path, `layer ${layer.name} has weights of shapes ${describeShapes(theirs)}, the model needs ${describeShapes(own)}`);
      }
      layer.setWeights(theirs);
      copied++;
    }
    if (copied === 0) throw mismatch(path, 'no layer matched');
  } finally {
    checkpoint.dispose();
  }
}

function describeShapes(tensors: Tf.Tensor[]): string {
  return tensors.map((t) => `[${t.shape.join(',')}]`).join(' ');
}

function mismatch(path: string, why: string): NoiseClassifierError {
  return new NoiseClassifierError('E_MODEL_MISMATCH', `The checkpoint ${path} does not fit this architecture: ${why}`, {
    field: 'pretrainedWeightsPath',
    expected: 'a checkpoint of the same architecture and input channels',
    received: JSON.stringify(path),
  });
}
