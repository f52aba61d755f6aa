/*
 * Side-effect entry: `import '@noise-classifier/runtime-web/register'` adds onnxruntime-web to the default
 * backend registry of @noise-classifier/models. Listed in package.json `sideEffects` so bundlers keep it.
 */
import { registerBackend } from '@noise-classifier/models';
// Through the package's own entry, so dist/register.js shares index.js's backend instance (not a bundled copy).
import { onnxRuntimeWebBackend } from '@noise-classifier/runtime-web';

/** Below onnxruntime-node (100) so a Node process that registers both prefers the native runtime. */
export const ONNX_RUNTIME_WEB_PRIORITY = 50;

registerBackend(onnxRuntimeWebBackend, ONNX_RUNTIME_WEB_PRIORITY);
