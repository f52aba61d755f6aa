import { NoiseClassifierError, describeValue, type InferenceDevice } from '@noise-classifier/config';
import { audioFileKind } from '@noise-classifier/features';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { warnDeprecated, type DeprecationOptions } from './deprecation';
import { getLegacyRuntime, withRuntimeHint, type LegacyRuntime } from './default-runtime';
import { withOldTerms } from './old-terms';

/** Environment variable the seed's settings used for the model file. */
export const ML_MODEL_V2_PATH_ENV = 'ML_MODEL_V2_PATH';

export interface MLServiceOptions extends DeprecationOptions {
  /** Model file; wins over `ML_MODEL_V2_PATH`. Neither given: the bundled default model. */
  readonly modelPath?: string;
  readonly model_path?: string;
  readonly device?: InferenceDevice;
  /** Platform services (file access, backends); default: the one `setLegacyRuntime` set (see NoiseClassifierV2Options). */
  readonly runtime?: LegacyRuntime;
}

export interface ClassifyNoiseRequest {
  /**
   * Base64 of a WAV, OGG Vorbis, FLAC or MP3 file (a `data:…;base64,` prefix is allowed), or of headerless raw PCM:
   * mono float32 little-endian samples in [-1, 1], which then needs `sampleRate`.
   */
  readonly audioData: string;
  /** Rate of raw PCM, Hz. Files carry their own rate in their header, which is what counts. */
  readonly sampleRate?: number;
}

/** The seed's MLService result. */
export interface LegacyNoiseClassification {
  /** Predicted label. */
  noise_type: string;
  confidence: number;
  /** Every label's probability. */
  all_predictions: Record<string, number>;
  model_version: 'v2';
}

const OLD_FIELD_NAMES = {
  audioData: 'audio_data',
  audio: 'audio_data',
  bytes: 'audio_data',
  sampleRate: 'sample_rate',
  modelPath: 'model_path',
};

function envModelPath(): string | undefined {
  // Only Node has an environment; browsers and workers fall through to the bundled model.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[ML_MODEL_V2_PATH_ENV];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The seed's backend `MLService` (`backend.services.ml_service`): base64 audio in, `{ noise_type, confidence,
 * all_predictions, model_version: 'v2' }` out, on one `NoiseClassifierService` loaded on first use.
 *
 * @deprecated Use `NoiseClassifierService` from `@noise-classifier/pipelines` (`classify(bytes)`) and map its
 * result where the old keys are needed (see docs/migration.md). Warning code NCV2_004.
 */
export class MLService {
  /** The model file in use; undefined means the bundled default model. */
  readonly modelPath?: string;
  private readonly device?: InferenceDevice;
  private readonly runtime?: LegacyRuntime;
  private loading?: Promise<NoiseClassifierService>;

  constructor(options: MLServiceOptions = {}) {
    warnDeprecated('MLService', options);
    const modelPath = options.modelPath ?? options.model_path ?? envModelPath();
    if (modelPath !== undefined) this.modelPath = modelPath;
    this.device = options.device;
    this.runtime = options.runtime;
  }

  /** Loads the model (once); the classify methods call this themselves. */
  load(): Promise<NoiseClassifierService> {
    const runtime = this.runtime ?? getLegacyRuntime();
    this.loading ??= withOldTerms(OLD_FIELD_NAMES, () =>
      NoiseClassifierService.create({
        config: {
          ...(this.modelPath === undefined ? {} : { modelPath: this.modelPath }),
          ...(this.device === undefined ? {} : { device: this.device }),
        },
        ...(runtime === undefined ? {} : { runtime }),
      }).catch((error: unknown) => {
        throw withRuntimeHint(error);
      }),
    );
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Classifies base64 audio (see `ClassifyNoiseRequest` for the accepted formats). */
  async classifyNoise(request: ClassifyNoiseRequest): Promise<LegacyNoiseClassification> {
    if (typeof request !== 'object' || request === null) {
      throw new NoiseClassifierError('E_BAD_AUDIO', 'classifyNoise needs a request object', {
        field: 'request',
        expected: '{ audioData: base64 string, sampleRate?: number }',
        received: describeValue(request),
      });
    }
    return this.classifyBase64(request.audioData, request.sampleRate, { audioData: 'audioData', sampleRate: 'sampleRate' });
  }

  /** The seed's `classify_noise(audio_data, sample_rate)`; errors name `audio_data` and `sample_rate`. */
  async classify_noise(audio_data: string, sample_rate?: number): Promise<LegacyNoiseClassification> {
    return withOldTerms(OLD_FIELD_NAMES, () => this.classifyBase64(audio_data, sample_rate, OLD_FIELD_NAMES));
  }

  /** Releases the model session. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await (await loading.catch(() => undefined))?.dispose();
  }

  private async classifyBase64(
    audioData: unknown,
    sampleRate: unknown,
    names: { audioData: string; sampleRate: string },
  ): Promise<LegacyNoiseClassification> {
    const bytes = decodeBase64(audioData, names.audioData);
    const service = await this.load();
    const result = await withOldTerms(
      { audio: names.audioData, bytes: names.audioData, sampleRate: names.sampleRate },
      async () => {
        if (audioFileKind(bytes) !== undefined) {
          return service.classify(bytes, sampleRate as number | undefined);
        }
        return service.classify(rawFloat32(bytes, sampleRate, names), sampleRate as number);
      },
    );
    return {
      noise_type: result.predictedClass,
      confidence: result.confidence,
      all_predictions: { ...result.probabilities },
      model_version: 'v2',
    };
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (or base64url) to bytes; whitespace and a `data:` URL prefix are tolerated. */
function decodeBase64(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string') {
    throw new NoiseClassifierError('E_BAD_AUDIO', `${field} must be base64 text`, {
      field,
      expected: 'a base64 string of an audio file or of float32 PCM',
      received: describeValue(value),
    });
  }
  const body = value.replace(/^data:[^,]*;base64,/, '');
  const text = body.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (text.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', `${field} is empty`, {
      field,
      expected: 'a base64 string of an audio file or of float32 PCM',
      received: 'an empty string',
    });
  }
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    // Position in the caller's string (after any data: prefix), not in the whitespace-stripped copy.
    const bad = body.search(/[^A-Za-z0-9+/=\-_\s]/);
    throw new NoiseClassifierError('E_BAD_AUDIO', `${field} is not valid base64`, {
      field,
      expected: 'base64 text (A–Z, a–z, 0–9, +, /, = padding)',
      received: bad >= 0 ? `${JSON.stringify(body[bad])} at position ${bad}` : `${text.length} characters that do not form whole bytes`,
    });
  }
  const padded = text.padEnd(Math.ceil(text.length / 4) * 4, '=');
  // Node's Buffer decodes natively (several times faster than atob + a copy loop); browsers use atob.
  const nodeBuffer = (globalThis as { Buffer?: { from(data: string, encoding: 'base64'): Uint8Array } }).Buffer;
  if (nodeBuffer) {
    const decoded = nodeBuffer.from(padded, 'base64');
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  }
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Headerless mono float32 little-endian PCM (numpy's `float32.tobytes()` on every common machine). */
function rawFloat32(bytes: Uint8Array, sampleRate: unknown, names: { audioData: string; sampleRate: string }): Float32Array {
  if (sampleRate === undefined || sampleRate === null) {
    throw new NoiseClassifierError('E_SAMPLE_RATE', `${names.sampleRate} is required for raw PCM`, {
      field: names.sampleRate,
      expected: `the rate of the float32 samples in ${names.audioData}, in Hz (a WAV/OGG/FLAC/MP3 file carries its own)`,
      received: describeValue(sampleRate),
    });
  }
  if (bytes.length % 4 !== 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', `${names.audioData} is neither an audio file nor float32 PCM`, {
      field: names.audioData,
      expected: 'a WAV/OGG/FLAC/MP3 file, or raw float32 little-endian samples (a multiple of 4 bytes)',
      received: `${bytes.length} bytes starting ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(bytes.length / 4);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getFloat32(i * 4, true);
  return samples;
}
