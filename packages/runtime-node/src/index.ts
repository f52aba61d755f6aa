// Backend (lazy onnxruntime-node) — no side effects; `@noise-classifier/runtime-node/register` registers it.
export { createOnnxRuntimeNodeBackend, onnxRuntimeNodeBackend } from './onnx-runtime-node-backend';
export type { OnnxRuntimeNodeBackendOptions } from './onnx-runtime-node-backend';

// Node platform helpers.
export { readModelFile } from './read-model-file';
export { readAudioFile } from './read-audio-file';
export { writeFileAtomic } from './write-file-atomic';
export { nodeRuntime } from './node-runtime';
export type { PlatformRuntime } from '@noise-classifier/models';
