/*
 * Side-effect entry: `import '@noise-classifier/runtime-node/register'` adds onnxruntime-node to the default
 * backend registry of @noise-classifier/models. Listed in package.json `sideEffects` so bundlers keep it.
 */
import { registerBackend } from '@noise-classifier/models';
// Through the package's own entry, so dist/register.js shares index.js's backend instance (not a bundled copy).
import { onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';

/** Native runtime first; onnxruntime-web (50) and tfjs (10) are fallbacks. */
export const ONNX_RUNTIME_NODE_PRIORITY = 100;

registerBackend(onnxRuntimeNodeBackend, ONNX_RUNTIME_NODE_PRIORITY);
