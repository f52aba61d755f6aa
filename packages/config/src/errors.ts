/**
 * Stable error codes. Callers branch on `code`, never on message text.
 * Add a code here when a new kind of domain failure appears; never reuse one for another meaning.
 */
export type NoiseClassifierErrorCode =
  | 'E_CONFIG'
  | 'E_BAD_AUDIO'
  | 'E_SAMPLE_RATE'
  | 'E_DECODE'
  | 'E_UNSUPPORTED_CODEC'
  | 'E_FFT_SIZE'
  | 'E_LABEL'
  | 'E_MODEL_FORMAT'
  | 'E_MODEL_NOT_FOUND'
  | 'E_MODEL_MISMATCH'
  | 'E_UNSUPPORTED_FORMAT'
  | 'E_RUNTIME_MISSING'
  | 'E_RUNTIME_FAILED'
  | 'E_DATASET'
  | 'E_TRAINING'
  | 'E_INPUT_TOO_LARGE'
  | 'E_DISPOSED'
  /** A quantised (int8/fp16) model lost more held-out accuracy than allowed against its fp32 original. */
  | 'E_ACCURACY_GATE'
  /** A path (a job's dataset, a manifest row, a file in a dataset folder) resolves outside the allowed root. */
  | 'E_PATH_OUTSIDE_ROOT';

export interface NoiseClassifierErrorDetails {
  /** The offending field or parameter, e.g. `nFft` or `audio[12]`. */
  field?: string;
  /** What would have been accepted, in words. */
  expected?: string;
  /** What arrived, already summarised for a message (see `describeValue`). */
  received?: string;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

/** The one error type for domain failures across every @noise-classifier package. */
export class NoiseClassifierError extends Error {
  readonly code: NoiseClassifierErrorCode;
  readonly field?: string;
  readonly expected?: string;
  readonly received?: string;

  constructor(code: NoiseClassifierErrorCode, message: string, details: NoiseClassifierErrorDetails = {}) {
    super(composeMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NoiseClassifierError';
    this.code = code;
    this.field = details.field;
    this.expected = details.expected;
    this.received = details.received;
  }
}

function composeMessage(message: string, { field, expected, received }: NoiseClassifierErrorDetails): string {
  const parts = [message];
  if (field !== undefined && !message.includes(field)) parts.push(`(field: ${field})`);
  if (expected !== undefined) parts.push(`expected ${expected}`);
  if (received !== undefined) parts.push(`received ${received}`);
  return parts.join('; ').replace(/; \(field/, ' (field');
}

export function isNoiseClassifierError(value: unknown, code?: NoiseClassifierErrorCode): value is NoiseClassifierError {
  return value instanceof NoiseClassifierError && (code === undefined || value.code === code);
}

/** A short, safe description of any value for error messages (never dumps a whole array). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as { length?: number }).length ?? value.byteLength}`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (typeof value === 'function') return 'a function';
  return `an object${value.constructor && value.constructor !== Object ? ` (${value.constructor.name})` : ''}`;
}
