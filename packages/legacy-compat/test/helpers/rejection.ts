import { isNoiseClassifierError, type NoiseClassifierError } from '@noise-classifier/config';

/** The NoiseClassifierError a promise rejects with; anything else (or no rejection) fails the test. */
export async function rejection(p: Promise<unknown>): Promise<NoiseClassifierError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isNoiseClassifierError(error)) throw new Error(`expected a NoiseClassifierError, got ${String(error)}`);
  return error;
}
