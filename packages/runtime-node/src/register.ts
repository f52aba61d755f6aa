/*
 * Side-effect entry: `import '@noise-classifier/runtime-node/register'` adds onnxruntime-node to the default
 * backend registry of @noise-classifier/models. Listed in package.json `sideEffects` so bundlers keep it.
 */
import { registerBackend } from '@noise-classifier/models';
import { onnxRuntimeNodeBackend } from './onnx-runtime-node-backend';

/** Native runtime first; onnxruntime-web (50) and tfjs (10) are fallbacks. */
export const ONNX_RUNTIME_NODE_PRIORITY = 100;

registerBackend(onnxRuntimeNodeBackend, ONNX_RUNTIME_NODE_PRIORITY);
