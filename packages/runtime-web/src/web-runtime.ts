import type { PlatformRuntime } from '@noise-classifier/models';
import { fetchAudio, fetchModel } from './fetch-model';
import { onnxRuntimeWebBackend } from './onnx-runtime-web-backend';

/** Browsers: onnxruntime-web (wasm) plus `fetch` for model files; no file writing. */
export const webRuntime: PlatformRuntime = {
  name: 'web',
  backends: [onnxRuntimeWebBackend],
  readFile: (url) => fetchModel(url),
  readAudioFile: (url) => fetchAudio(url),
};
