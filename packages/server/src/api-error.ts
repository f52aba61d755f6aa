import { isNoiseClassifierError } from '@noise-classifier/config';

/** Stable error codes of the HTTP API (the `code` in `{ "error": { "code", "message" } }`). */
export type ApiErrorCode =
  | 'E_UNAUTHORIZED'
  | 'E_RATE_LIMITED'
  | 'E_BAD_REQUEST'
  | 'E_BAD_JSON'
  | 'E_BAD_BASE64'
  | 'E_BAD_AUDIO'
  | 'E_SAMPLE_RATE'
  | 'E_BODY_TOO_LARGE'
  | 'E_AUDIO_TOO_LONG'
  | 'E_UNSUPPORTED_MEDIA_TYPE'
  | 'E_NOT_FOUND'
  | 'E_PATH_OUTSIDE_ROOT'
  | 'E_UNAVAILABLE'
  | 'E_TIMEOUT'
  | 'E_HEADERS_TOO_LARGE'
  | 'E_URI_TOO_LONG'
  | 'E_INTERNAL';

/** An error that already knows its HTTP status and public message. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Domain error codes that are the client's fault, and how they surface over HTTP. */
const CLIENT_DOMAIN_CODES: Record<string, [number, ApiErrorCode]> = {
  E_BAD_AUDIO: [400, 'E_BAD_AUDIO'],
  E_DECODE: [400, 'E_BAD_AUDIO'],
  E_UNSUPPORTED_CODEC: [415, 'E_UNSUPPORTED_MEDIA_TYPE'],
  E_UNSUPPORTED_FORMAT: [415, 'E_UNSUPPORTED_MEDIA_TYPE'],
  E_SAMPLE_RATE: [400, 'E_SAMPLE_RATE'],
  E_INPUT_TOO_LARGE: [413, 'E_AUDIO_TOO_LONG'],
  E_CONFIG: [400, 'E_BAD_REQUEST'],
  E_DATASET: [400, 'E_BAD_REQUEST'],
  E_PATH_OUTSIDE_ROOT: [400, 'E_PATH_OUTSIDE_ROOT'],
};

/** Fastify's own error codes we translate to the API's vocabulary. */
const FASTIFY_CODES: Record<string, [number, ApiErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'E_BODY_TOO_LARGE', 'Request body is larger than the configured maximum'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'E_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'E_BAD_JSON', 'Request body is empty but Content-Type is application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'E_BAD_REQUEST', 'Content-Length does not match the body'],
  FST_REQ_FILE_TOO_LARGE: [413, 'E_BODY_TOO_LARGE', 'Uploaded file is larger than the configured maximum'],
  FST_FILES_LIMIT: [413, 'E_BODY_TOO_LARGE', 'Too many files in the multipart upload'],
  FST_PARTS_LIMIT: [413, 'E_BODY_TOO_LARGE', 'Too many parts in the multipart upload'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'E_UNSUPPORTED_MEDIA_TYPE', 'Expected a multipart/form-data body'],
};

/**
 * Turns anything thrown while handling a request into a status and a JSON body that is safe to send:
 * messages of unexpected errors are replaced, so no stack, file path or token ever reaches the client.
 */
export function toErrorResponse(error: unknown): { statusCode: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof ApiError) {
    return { statusCode: error.statusCode, body: wrap(error.code, error.message), headers: { ...error.headers } };
  }
  if (isNoiseClassifierError(error)) {
    const mapped = CLIENT_DOMAIN_CODES[error.code];
    if (mapped) return { statusCode: mapped[0], body: wrap(mapped[1], error.message), headers: {} };
    return { statusCode: 500, body: wrap('E_INTERNAL', `Internal error (${error.code})`), headers: {} };
  }
  const e = error as { code?: string; statusCode?: number; validation?: unknown; message?: string; name?: string };
  if (e && e.validation) return { statusCode: 400, body: wrap('E_BAD_REQUEST', e.message ?? 'Invalid request'), headers: {} };
  const fastify = e && typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (fastify) {
    const [status, code, message] = fastify;
    return { statusCode: status, body: wrap(code, message), headers: {} };
  }
  if (e && e.statusCode === 400 && (e.name === 'SyntaxError' || /JSON/i.test(e.message ?? ''))) {
    return { statusCode: 400, body: wrap('E_BAD_JSON', 'Request body is not valid JSON'), headers: {} };
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { statusCode: e.statusCode, body: wrap('E_BAD_REQUEST', 'Bad request'), headers: {} };
  }
  return { statusCode: 500, body: wrap('E_INTERNAL', 'Internal server error'), headers: {} };
}

function wrap(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
