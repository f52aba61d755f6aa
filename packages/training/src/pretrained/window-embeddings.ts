import type { Random } from '@noise-classifier/features';
import { AUDIOSET_CLASSES } from '@noise-classifier/config';
import {
  EFFICIENTAT_EMBEDDING_LAYER,
  ONNX_AUDIOSET_LOGITS_NAME,
  createModelMetadata,
  exportOnnx,
  type InferenceBackend,
  type TfModule,
} from '@noise-classifier/models';
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
  /**
   * Run the backbone through this inference backend (e.g. onnxruntime-node: the backbone is exported to ONNX once)
   * instead of tfjs — the same numbers, many times faster on a CPU. Default: tfjs.
   */
  readonly backend?: InferenceBackend;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the frozen backbone once over every window of every item (inference mode: batch-norm statistics fixed),
 * so a head can train on the vectors in seconds. The source's windows must match the backbone's input.
 */
export async function embedWindows(tf: TfModule, backbone: PretrainedBackbone, source: WindowSource, options: EmbedOptions = {}): Promise<WindowEmbeddings> {
  const input = options.input ?? 'embedding';
  const [, h, w] = source.inputShape;
  const batchSize = options.batchSize ?? 32;
  const run = options.backend ? await onnxExtractor(backbone, options.backend, input, h, w) : tfjsExtractor(tf, backbone, input, h, w);
  const vectors: Float32Array[] = [];
  const items: number[] = [];
  const pending: { data: Float32Array; item: number }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = await run.embed(concat(pending.map((p) => p.data)), pending.length);
    rows.forEach((row, k) => {
      vectors.push(row);
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
        if (pending.length >= batchSize) await flush();
      }
    }
    options.onProgress?.(i + 1, source.size);
  }
  await flush();
  await run.dispose();
  return { size: vectors.length, vectors, items, targets: items.map((i) => source.targets[i]!), labels: source.labels };
}

interface Extractor {
  /** Head-input vectors of `count` windows (NCHW = NHWC for one channel). */
  embed(data: Float32Array, count: number): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

function tfjsExtractor(tf: TfModule, backbone: PretrainedBackbone, input: HeadInput, h: number, w: number): Extractor {
  const extractor = tf.model({ inputs: backbone.model.inputs, outputs: headInputTensor(tf, backbone, input) });
  return {
    embed: async (data, count) => {
      const out = tf.tidy(() => (extractor.predict(tf.tensor4d(data, [count, h, w, 1])) as tfType.Tensor2D).arraySync());
      return out.map((row) => Float32Array.from(row));
    },
    dispose: async () => {},
  };
}

/** The backbone exported to ONNX (AudioSet logits + the embedding as an extra output), run by `backend`. */
async function onnxExtractor(backbone: PretrainedBackbone, backend: InferenceBackend, input: HeadInput, h: number, w: number): Promise<Extractor> {
  const labels = AUDIOSET_CLASSES.map(([, name]) => name);
  const metadata = createModelMetadata({
    featureConfig: backbone.featureConfig,
    modelConfig: { architecture: backbone.spec.architecture, labels, numClasses: labels.length },
  });
  await backend.init();
  const session = await backend.createSession({ format: 'onnx', bytes: exportOnnx(backbone.model, metadata, { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER] }) });
  return {
    embed: async (data, count) => {
      const out = await session.run(data, [count, 1, h, w], { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER] });
      const emb = out.extra![EFFICIENTAT_EMBEDDING_LAYER]!;
      return Array.from({ length: count }, (_, k) => {
        const e = emb.data.subarray(k * emb.width, (k + 1) * emb.width);
        if (input === 'embedding') return e.slice();
        // The same head input as `headInputTensor`: embedding, then sigmoid(AudioSet logits).
        const row = new Float32Array(emb.width + out.numClasses);
        row.set(e);
        for (let j = 0; j < out.numClasses; j++) row[emb.width + j] = 1 / (1 + Math.exp(-out.logits[k * out.numClasses + j]!));
        return row;
      });
    },
    dispose: () => session.dispose(),
  };
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
