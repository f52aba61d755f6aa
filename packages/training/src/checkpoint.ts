import { NoiseClassifierError } from '@noise-classifier/config';
import type { TrainingHistory } from '@noise-classifier/pipelines';
import type { AdamWState } from './adamw';

/**
 * Where checkpoints go. Core code does no file I/O: runtime-node's file store writes atomically
 * (temp file, then rename), so a crash mid-write leaves the previous checkpoint intact.
 */
export interface CheckpointStore {
  /** Replaces `name` atomically (write a temporary file, then rename over the old one). */
  writeFileAtomic(name: string, bytes: Uint8Array): Promise<void>;
  /** The bytes of `name`, or undefined when it does not exist. */
  readFile(name: string): Promise<Uint8Array | undefined>;
}

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainingCheckpoint {
  readonly format: 'noise-classifier-checkpoint';
  readonly version: 1;
  /** Epochs completed. */
  readonly epoch: number;
  readonly history: TrainingHistory;
  /** Per-epoch random streams derive from (seed, epoch), so this is the whole RNG state. */
  readonly rng: { readonly seed: number; readonly nextEpoch: number };
  readonly bestValLoss: number;
  readonly bestEpoch: number;
  readonly epochsWithoutImprovement: number;
  readonly labels: readonly string[];
  readonly architecture?: string;
  /** Model weights (trainable and batch-norm statistics) in model order. */
  readonly weights: readonly NamedArray[];
  /** Weights of the best epoch so far (restored when early stopping ends the run). */
  readonly bestWeights: readonly NamedArray[];
  readonly optimizer: AdamWState;
}

export const CHECKPOINT_FILE = 'last.ckpt';
const MAGIC = 'NCCKPT01';

/** One file: magic, JSON header length (u32 LE), JSON header, then every float32 array back to back. */
export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const arrays: Float32Array[] = [];
  const ref = (data: Float32Array): number => arrays.push(data) - 1;
  const header = {
    ...checkpoint,
    weights: checkpoint.weights.map((w) => ({ name: w.name, shape: w.shape, ref: ref(w.data) })),
    bestWeights: checkpoint.bestWeights.map((w) => ({ name: w.name, shape: w.shape, ref: ref(w.data) })),
    optimizer: {
      step: checkpoint.optimizer.step,
      moments: Object.fromEntries(Object.entries(checkpoint.optimizer.moments).map(([k, { m, v }]) => [k, { m: ref(m), v: ref(v) }])),
    },
    arrayLengths: [] as number[],
  };
  header.arrayLengths = arrays.map((a) => a.length);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = 8 + 4 + json.length + arrays.reduce((n, a) => n + a.length * 4, 0);
  // Keep the float section 4-byte aligned by padding the JSON with spaces.
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const out = new Uint8Array(total + pad);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length + pad, true);
  out.set(json, 12);
  out.fill(0x20, 12 + json.length, 12 + json.length + pad);
  let offset = 12 + json.length + pad;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, name = CHECKPOINT_FILE): TrainingCheckpoint {
  const bad = (received: string): never => {
    throw new NoiseClassifierError('E_MODEL_FORMAT', `${name} is not a training checkpoint written by this project`, {
      field: 'checkpoint',
      expected: `a ${MAGIC} file`,
      received,
    });
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad(`${bytes.length} bytes without the header`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) bad('a truncated file');
  interface Header extends Omit<TrainingCheckpoint, 'weights' | 'bestWeights' | 'optimizer'> {
    weights: { name: string; shape: number[]; ref: number }[];
    bestWeights: { name: string; shape: number[]; ref: number }[];
    optimizer: { step: number; moments: Record<string, { m: number; v: number }> };
    arrayLengths: number[];
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    return bad('an unreadable header');
  }
  const floats: Float32Array[] = [];
  let offset = 12 + headerLength;
  for (const n of header.arrayLengths) {
    if (offset + n * 4 > bytes.length) bad('a truncated file');
    // Copy: the source buffer may not be 4-byte aligned at byteOffset.
    floats.push(new Float32Array(bytes.slice(offset, offset + n * 4).buffer));
    offset += n * 4;
  }
  // The refs come from the file: one naming no stored array is a corrupt checkpoint, not an undefined weight later.
  const floatsAt = (ref: number, what: string): Float32Array => floats[ref] ?? bad(`${what} refers to array ${ref} of ${floats.length}`);
  const named = (w: { name: string; shape: number[]; ref: number }): NamedArray => ({ name: w.name, shape: w.shape, data: floatsAt(w.ref, `weight ${w.name}`) });
  const { arrayLengths: _lengths, ...rest } = header;
  return {
    ...rest,
    weights: header.weights.map(named),
    bestWeights: header.bestWeights.map(named),
    optimizer: {
      step: header.optimizer.step,
      moments: Object.fromEntries(Object.entries(header.optimizer.moments).map(([k, r]) => [k, { m: floatsAt(r.m, `moment ${k}`), v: floatsAt(r.v, `moment ${k}`) }])),
    },
  };
}

/** A store in memory (tests, browsers without a file system). */
export function createMemoryCheckpointStore(): CheckpointStore & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    async writeFileAtomic(name, bytes) {
      files.set(name, bytes.slice());
    },
    async readFile(name) {
      return files.get(name)?.slice();
    },
  };
}
