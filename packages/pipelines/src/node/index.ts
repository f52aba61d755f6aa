// Node-only helpers of @noise-classifier/pipelines (`@noise-classifier/pipelines/node`): file listing for
// datasets, an on-disk feature cache, and a runtime that knows where the bundled default model is. Training's
// Node helpers live in `@noise-classifier/training/node`.
export { nodeDatasetFiles } from './dataset-files';
export { createDirectoryCacheStore } from './directory-cache-store';
export { defaultModelPath } from './default-model-path';

