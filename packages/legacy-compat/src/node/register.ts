/*
 * Side-effect entry: `import '@noise-classifier/legacy-compat/register-node'` gives the old classes Node's file
 * access and onnxruntime-node, so `new NoiseClassifierV2('model.onnx', 'cpu')` and `new MLService()` work with no
 * other set-up, as in the seed. Listed in package.json `sideEffects`.
 */
import { setLegacyRuntime } from '@noise-classifier/legacy-compat';
import { nodeRuntime } from '@noise-classifier/runtime-node';

setLegacyRuntime(nodeRuntime);
