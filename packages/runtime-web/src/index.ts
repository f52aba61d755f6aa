// Backend (lazy onnxruntime-web) — no side effects; `@noise-classifier/runtime-web/register` registers it.
export { createOnnxRuntimeWebBackend, onnxRuntimeWebBackend } from './onnx-runtime-web-backend';
export type { OnnxRuntimeWebBackendOptions } from './onnx-runtime-web-backend';

// Web platform helpers.
export { fetchModel, fetchAudio } from './fetch-model';
export { decodeWithWebAudio } from './decode-with-web-audio';
export type { WebAudioDecoded } from './decode-with-web-audio';
export { webRuntime } from './web-runtime';
export type { PlatformRuntime } from '@noise-classifier/models';
