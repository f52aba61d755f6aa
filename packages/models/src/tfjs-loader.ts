import { NoiseClassifierError } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';

/** The @tensorflow/tfjs module namespace, as `loadTf()` returns it. */
export type TfModule = typeof Tf;

let pending: Promise<TfModule> | undefined;

/**
 * Imports @tensorflow/tfjs once, on first use. tfjs is an optional peer dependency: callers that only
 * run ONNX models never pay for it, and a missing install becomes E_RUNTIME_MISSING naming the package.
 */
export function loadTf(): Promise<TfModule> {
  pending ??= import('@tensorflow/tfjs').then(
    (mod) => ((mod as { default?: TfModule }).default?.layers ? (mod as { default: TfModule }).default : mod) as TfModule,
    (cause: unknown) => {
      pending = undefined;
      throw new NoiseClassifierError(
        'E_RUNTIME_MISSING',
        'The tfjs runtime is not installed: run `npm install @tensorflow/tfjs` to build, train or export models',
        { field: '@tensorflow/tfjs', expected: 'an installed @tensorflow/tfjs ^4.22', received: 'a failed import', cause },
      );
    },
  );
  return pending;
}
