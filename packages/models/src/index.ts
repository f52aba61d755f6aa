export type {
  ModelMetadata,
  ModelSource,
  SessionOptions,
  SessionOutput,
  InferenceSession,
  InferenceBackend,
} from './backend';

// Architectures, ONNX export/import, tfjs format, metadata.

// Backend registry and the tfjs in-process backend.
export { createBackendRegistry, registerBackend, listBackends, resolveBackend } from './backends/registry';
export type { BackendRegistry, RegisteredBackendInfo } from './backends/registry';
export { createOrtBackend, ONNX_INPUT_NAME, ONNX_LOGITS_NAME } from './backends/ort-backend';
export type { OrtBackendSpec, OrtModuleLike, OrtSessionLike, OrtTensorLike } from './backends/ort-backend';
export { checkRunInput } from './backends/check-run-input';
export type { InputShape } from './backends/check-run-input';
export { importRuntime } from './backends/import-runtime';
export type { PlatformRuntime } from './backends/platform-runtime';
export { createTfjsBackend, tfjsBackend } from './backends/tfjs-backend';
export type { TfjsBackendOptions } from './backends/tfjs-backend';
