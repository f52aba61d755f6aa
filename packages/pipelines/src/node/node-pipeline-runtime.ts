// Node's pipeline runtime: onnxruntime-node and file access (runtime-node) plus where the bundled model lies.
import { fileURLToPath } from 'node:url';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import type { PipelineRuntime } from '../core/pipeline-runtime';

/**
 * The bundled default model on disk. This file sits two folders below the package root both as source
 * (src/node/*.ts) and built (dist/node/*.js), so one relative URL works for both.
 */
export const defaultModelPath: string = fileURLToPath(new URL('../../models/default-model.onnx', import.meta.url));

/** `nodeRuntime` (onnxruntime-node, file access) plus the default model's location. */
export const nodePipelineRuntime: PipelineRuntime = { ...nodeRuntime, defaultModelLocation: defaultModelPath };
