import { fileURLToPath } from 'node:url';

/**
 * The bundled default model on disk. This file sits two folders below the package root both as source
 * (src/node/*.ts) and built (dist/node/*.js), so one relative URL works for both.
 */
export const defaultModelPath: string = fileURLToPath(new URL('../../models/default-model.onnx', import.meta.url));
