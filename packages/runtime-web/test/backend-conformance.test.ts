import { createOnnxRuntimeWebBackend } from '../src/index';
import { runBackendConformance } from '../../models/test/helpers/backend-conformance';

// onnxruntime-web's WebAssembly backend, run in Node: the same file a browser would load, the same outputs.
runBackendConformance({
  backend: () => createOnnxRuntimeWebBackend({ numThreads: 1 }),
  source: (model) => ({ format: 'onnx', bytes: model.onnx }),
});
