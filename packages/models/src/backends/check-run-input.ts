import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** NCHW shape of a model input batch. */
export type InputShape = readonly [number, number, number, number];

/**
 * Checks the arguments of `InferenceSession.run` once, for every backend, so they all fail the same way:
 * a Float32Array whose length is the product of a positive-integer NCHW shape.
 */
export function checkRunInput(input: unknown, shape: unknown): asserts input is Float32Array {
  if (!(input instanceof Float32Array)) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'session.run: input must be a Float32Array', {
      field: 'input',
      expected: 'a Float32Array holding an NCHW batch',
      received: describeValue(input),
    });
  }
  const validShape =
    Array.isArray(shape) && shape.length === 4 && shape.every((d) => Number.isInteger(d) && (d as number) > 0);
  if (!validShape) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'session.run: shape must be [batch, channels, height, width]', {
      field: 'shape',
      expected: 'four positive integers',
      received: Array.isArray(shape) ? `[${shape.map((d) => describeValue(d)).join(', ')}]` : describeValue(shape),
    });
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (input.length !== size) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'session.run: input length does not match its shape', {
      field: 'input',
      expected: `${size} values for shape [${(shape as number[]).join(', ')}]`,
      received: `${input.length} values`,
    });
  }
}

/** The error every session throws when used after `dispose()`. */
export function disposedError(backendName: string): NoiseClassifierError {
  return new NoiseClassifierError('E_DISPOSED', `${backendName} session was disposed; create a new session to run again`, {
    field: 'session',
  });
}
