/**
 * AWS Lambda handler (the seed's "With Lambda Functions" snippet). Accepts
 *   - a direct invocation: `{ "audio_base64": "<base64 WAV/OGG/FLAC/MP3>", "sample_rate"?: 48000 }`
 *   - an API Gateway proxy event whose `body` is that JSON (optionally with `isBase64Encoded`).
 * The model is loaded once per container: the module-level promise survives between invocations.
 */
import { isNoiseClassifierError } from '@noise-classifier/config';
import { NoiseClassifierService, toWireClassification } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';

export interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Set NOISE_CLASSIFIER_MODEL (e.g. /opt/ml/models/noise_classifier_v2.onnx, a Lambda layer); default: the bundled model. */
const MODEL_PATH = process.env.NOISE_CLASSIFIER_MODEL || undefined;
const MAX_BASE64_CHARS = 8 * 1024 * 1024;

let service: Promise<NoiseClassifierService> | undefined;
let loads = 0;

function getService(): Promise<NoiseClassifierService> {
  if (!service) {
    loads++;
    const loading = NoiseClassifierService.create({ runtime: nodeRuntime, ...(MODEL_PATH ? { modelPath: MODEL_PATH } : {}) });
    // A failed load is not cached: the next invocation tries again.
    loading.catch(() => (service = undefined));
    service = loading;
  }
  return service;
}

/** How many times this container loaded the model (1 after any number of warm invocations). */
export function modelLoadCount(): number {
  return loads;
}

export async function handler(event: unknown, _context?: unknown): Promise<LambdaResult> {
  try {
    const audio = parseEvent(event);
    const classifier = await getService();
    const result = await classifier.classify(audio);
    const wire = toWireClassification(result);
    return respond(200, { ...wire, noise_type: wire.predicted_class, all_predictions: wire.probabilities, model_version: wire.metadata?.model_version });
  } catch (error) {
    if (error instanceof BadRequest) return respond(400, { error: { code: error.code, message: error.message } });
    if (isNoiseClassifierError(error) && ['E_BAD_AUDIO', 'E_DECODE', 'E_UNSUPPORTED_CODEC', 'E_SAMPLE_RATE', 'E_INPUT_TOO_LARGE'].includes(error.code)) {
      return respond(400, { error: { code: error.code, message: error.message } });
    }
    console.error('classification failed', error instanceof Error ? error.message : error);
    return respond(500, { error: { code: 'E_INTERNAL', message: 'Internal error' } });
  }
}

class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The encoded file's bytes; a `sample_rate` field is accepted and ignored (files carry their own rate). */
function parseEvent(event: unknown): Uint8Array {
  if (!event || typeof event !== 'object') throw new BadRequest('E_BAD_REQUEST', 'The event must be an object');
  let payload = event as Record<string, unknown>;
  if (typeof payload.body === 'string') {
    // API Gateway proxy integration: the client's JSON is in `body`.
    const text = payload.isBase64Encoded === true ? Buffer.from(payload.body, 'base64').toString('utf8') : payload.body;
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new BadRequest('E_BAD_JSON', 'The request body is not valid JSON');
    }
    if (!payload || typeof payload !== 'object') throw new BadRequest('E_BAD_JSON', 'The request body must be a JSON object');
  }
  const b64 = payload.audio_base64 ?? payload.audio_data;
  if (typeof b64 !== 'string' || b64.length === 0) {
    throw new BadRequest('E_BAD_REQUEST', 'audio_base64 is required: base64 of a WAV, OGG, FLAC or MP3 file');
  }
  if (b64.length > MAX_BASE64_CHARS) throw new BadRequest('E_BODY_TOO_LARGE', `audio_base64 is over ${MAX_BASE64_CHARS} characters`);
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new BadRequest('E_BAD_BASE64', 'audio_base64 is not valid base64');
  }
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

function respond(statusCode: number, body: unknown): LambdaResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
