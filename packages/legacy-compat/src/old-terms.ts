import { NoiseClassifierError } from '@noise-classifier/config';

/** New-API field name → the old API's spelling, e.g. `{ audioData: 'audio_data' }`. */
export type FieldNames = Readonly<Record<string, string>>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function rename(text: string | undefined, names: FieldNames): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const [from, to] of Object.entries(names)) {
    // Whole identifiers only: `sampleRate` must not touch `sampleRates` or `targetSampleRate`. A plain word
    // (`audio`) is also English, so it is renamed only where it is plainly a field: `audio[3]`, `field: audio`, or alone.
    const word = escapeRegExp(from);
    const pattern = /^[a-z]+$/.test(from)
      ? `^${word}(?=\\[|$)|(?<=field: )${word}(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])${word}(?=\\[)`
      : `(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`;
    out = out.replace(new RegExp(pattern, 'g'), to);
  }
  return out;
}

/**
 * The same `NoiseClassifierError` (same code, same expected/received) with the new API's field names replaced by
 * the old API's, so a caller of `classify_noise(audio_data, …)` reads `audio_data`, not `audioData`.
 * Anything that is not a NoiseClassifierError passes through untouched.
 */
export function inOldTerms(error: unknown, names: FieldNames): unknown {
  if (!(error instanceof NoiseClassifierError)) return error;
  const field = rename(error.field, names);
  const message = rename(error.message, names) ?? error.message;
  if (field === error.field && message === error.message) return error;
  // The composed message already carries field/expected/received; pass `field` only so nothing is appended twice.
  const translated = new NoiseClassifierError(error.code, message, { ...(field === undefined ? {} : { field }), cause: error });
  Object.defineProperties(translated, {
    expected: { value: rename(error.expected, names), enumerable: true },
    received: { value: error.received, enumerable: true },
  });
  return translated;
}

/** Runs `fn` and rethrows its NoiseClassifierError in the old API's terms. */
export async function withOldTerms<T>(names: FieldNames, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw inOldTerms(error, names);
  }
}

/** Synchronous `withOldTerms`. */
export function withOldTermsSync<T>(names: FieldNames, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw inOldTerms(error, names);
  }
}
