import { NoiseClassifierError } from '@noise-classifier/config';

/**
 * Downloads a model file. HTTP errors and network failures become E_MODEL_NOT_FOUND naming the URL and the
 * status, so a wrong path reads as "not found" rather than as a corrupt model.
 */
export async function fetchModel(url: string | URL, init?: RequestInit): Promise<Uint8Array> {
  return fetchBytes(url, init, 'E_MODEL_NOT_FOUND', 'model');
}

/** Downloads an audio file's bytes (decode them with features' `decodeAudio` or `decodeWithWebAudio`); failures are E_BAD_AUDIO. */
export async function fetchAudio(url: string | URL, init?: RequestInit): Promise<Uint8Array> {
  return fetchBytes(url, init, 'E_BAD_AUDIO', 'audio');
}

async function fetchBytes(url: string | URL, init: RequestInit | undefined, code: 'E_MODEL_NOT_FOUND' | 'E_BAD_AUDIO', what: string): Promise<Uint8Array> {
  const where = String(url);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new NoiseClassifierError(code, `could not fetch ${what} ${where}: ${error instanceof Error ? error.message : String(error)}`, {
      field: 'url',
      expected: `a reachable ${what} URL`,
      received: where,
      cause: error,
    });
  }
  if (!response.ok) {
    throw new NoiseClassifierError(code, `could not fetch ${what} ${where}`, {
      field: 'url',
      expected: 'HTTP 200',
      received: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}
