// Node-only helpers of @noise-classifier/pipelines (`@noise-classifier/pipelines/node`): file listing for
// datasets, an on-disk feature cache, and a runtime that knows where the bundled default model is.
import { fileURLToPath } from 'node:url';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import type { PipelineRuntime } from '../service/pipeline-runtime';

export { nodeDatasetFiles } from './dataset-files';
export { createDirectoryCacheStore } from './directory-cache-store';
export { createWorkerGradientHelper, type WorkerGradientHelperOptions } from './gradient-worker';
export { loadOnnxRuntimeNode, onnxRuntimeAvailable, onnxRuntimeGradientEngine, type OnnxRuntimeGradientEngineOptions } from './onnx-gradient-engine';

/**
 * The bundled default model on disk. This file sits two folders below the package root both as source
 * (src/node/index.ts) and built (dist/node/index.js), so one relative URL works for both.
 */
export const defaultModelPath: string = fileURLToPath(new URL('../../models/default-model.onnx', import.meta.url));

/** `nodeRuntime` (onnxruntime-node, file access) plus the default model's location. */
export const nodePipelineRuntime: PipelineRuntime = { ...nodeRuntime, defaultModelLocation: defaultModelPath };
