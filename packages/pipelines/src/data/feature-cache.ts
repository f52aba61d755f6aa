import type { AudioFeatureConfig } from '@noise-classifier/config';
import type { Spectrogram } from '@noise-classifier/features';

/**
 * Where computed features are kept between epochs and runs. Injected, so the core stays platform-neutral:
 * `createMemoryCacheStore()` here, a directory store in `@noise-classifier/pipelines/node`.
 */
export interface FeatureCacheStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
}

export function createMemoryCacheStore(): FeatureCacheStore & { readonly size: number } {
  const map = new Map<string, Uint8Array>();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value);
    },
    get size() {
      return map.size;
    },
  };
}

/** Hex SHA-256 through WebCrypto (`crypto.subtle`), present in Node ≥ 20 and every browser. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Version of the cached layout; bump when the encoding or the feature pipeline changes meaning. */
const CACHE_FORMAT = 'logmel-v1';

/** Hash of everything that changes the cached features: the feature config (sorted keys) and the clip limit. */
export async function featureConfigHash(config: AudioFeatureConfig, maxDurationSeconds: number | null): Promise<string> {
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
  return (await sha256Hex(JSON.stringify({ format: CACHE_FORMAT, config: sorted, maxDurationSeconds }))).slice(0, 16);
}

const MAGIC = 0x4c4d4731; // "LMG1"

/** Spectrogram → bytes: [magic, bins, frames] as uint32 little-endian, then float32 data. */
export function encodeSpectrogram(spec: Spectrogram): Uint8Array {
  const out = new Uint8Array(12 + spec.data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, spec.bins, true);
  view.setUint32(8, spec.frames, true);
  out.set(new Uint8Array(spec.data.buffer, spec.data.byteOffset, spec.data.byteLength), 12);
  return out;
}

/** Inverse of `encodeSpectrogram`; undefined for bytes that are not a valid entry (a corrupt cache is a miss). */
export function decodeSpectrogram(bytes: Uint8Array): Spectrogram | undefined {
  if (bytes.byteLength < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const bins = view.getUint32(4, true);
  const frames = view.getUint32(8, true);
  if (bytes.byteLength !== 12 + bins * frames * 4) return undefined;
  const data = new Float32Array(bins * frames);
  new Uint8Array(data.buffer).set(bytes.subarray(12));
  return { data, bins, frames };
}
