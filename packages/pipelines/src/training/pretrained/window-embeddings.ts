import type { Random } from '@noise-classifier/features';
import { ONNX_AUDIOSET_LOGITS_NAME, type TfModule } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';
import type { WindowSource } from '../window-source';
import type { PretrainedBackbone } from './pretrained-backbone';

/** What the new head reads: the pooled embedding, or the embedding followed by AudioSet's 527 sigmoid scores. */
export type HeadInput = 'embedding' | 'embedding+audioset';

/** Frozen-backbone features of model windows: one vector per window, with the clip and label it came from. */
export interface WindowEmbeddings {
  readonly size: number;
  readonly vectors: Float32Array[];
  /** Index of the window's item in the source. */
  readonly items: number[];
  readonly targets: number[];
  readonly labels: readonly string[];
}

/**
 * Name of the layer that passes the AudioSet logits on in a derived model: with the `embedding+audioset` head it
 * lies between input and logits, so the ONNX export can expose it as the extra output `audioset_logits`.
 */
export const AUDIOSET_OUTPUT_LAYER = ONNX_AUDIOSET_LOGITS_NAME;

/** The head-input tensor of a backbone (shared by embedding and by the deployed model). */
export function headInputTensor(tf: TfModule, backbone: PretrainedBackbone, input: HeadInput): tfType.SymbolicTensor {
  if (input === 'embedding') return backbone.embedding;
  const audioSet = tf.layers.activation({ activation: 'linear', name: AUDIOSET_OUTPUT_LAYER }).apply(backbone.audioSetLogits) as tfType.SymbolicTensor;
  const scores = tf.layers.activation({ activation: 'sigmoid', name: 'audioset_scores' }).apply(audioSet) as tfType.SymbolicTensor;
  return tf.layers.concatenate({ name: 'head_input', axis: -1 }).apply([backbone.embedding, scores]) as tfType.SymbolicTensor;
}

export interface EmbedOptions {
  readonly input?: HeadInput;
  /**
   * Extra random windows per item, drawn with `prng` (random crop, and gain/SpecAugment when the source augments),
   * on top of the item's fixed windows. Default 0.
   */
  readonly crops?: number;
  readonly prng?: Random;
  /** Windows per forward pass (default 32). */
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the frozen backbone once over every window of every item (inference mode: batch-norm statistics fixed),
 * so a head can train on the vectors in seconds. The source's windows must match the backbone's input.
 */
export async function embedWindows(tf: TfModule, backbone: PretrainedBackbone, source: WindowSource, options: EmbedOptions = {}): Promise<WindowEmbeddings> {
  const extractor = tf.model({ inputs: backbone.model.inputs, outputs: headInputTensor(tf, backbone, options.input ?? 'embedding') });
  const [, h, w] = source.inputShape;
  const batchSize = options.batchSize ?? 32;
  const vectors: Float32Array[] = [];
  const items: number[] = [];
  const pending: { data: Float32Array; item: number }[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const out = tf.tidy(() => {
      const x = tf.tensor4d(concat(pending.map((p) => p.data)), [pending.length, h, w, 1]);
      return (extractor.predict(x) as tfType.Tensor2D).arraySync();
    });
    out.forEach((row, k) => {
      vectors.push(Float32Array.from(row));
      items.push(pending[k]!.item);
    });
    pending.length = 0;
  };
  const size = h * w;
  for (let i = 0; i < source.size; i++) {
    const draws = [await source.windows(i, null)];
    for (let c = 0; c < (options.crops ?? 0) && options.prng; c++) draws.push(await source.windows(i, options.prng));
    for (const { data, count } of draws) {
      for (let k = 0; k < count; k++) {
        pending.push({ data: data.subarray(k * size, (k + 1) * size), item: i });
        if (pending.length >= batchSize) flush();
      }
    }
    options.onProgress?.(i + 1, source.size);
  }
  flush();
  return { size: vectors.length, vectors, items, targets: items.map((i) => source.targets[i]!), labels: source.labels };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
