// Node-only helpers of @noise-classifier/pipelines (`@noise-classifier/pipelines/node`): file listing for
// datasets, an on-disk feature cache, and a runtime that knows where the bundled default model is.
export { nodeDatasetFiles } from './dataset-files';
export { createDirectoryCacheStore } from './directory-cache-store';
export { createWorkerGradientHelper, type WorkerGradientHelperOptions } from './gradient-worker';
export { defaultModelPath, nodePipelineRuntime } from './node-pipeline-runtime';
export { loadOnnxRuntimeNode, onnxRuntimeAvailable, onnxRuntimeGradientEngine, type OnnxRuntimeGradientEngineOptions } from './onnx-gradient-engine';

