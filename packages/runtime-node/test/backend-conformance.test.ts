import { createOnnxRuntimeNodeBackend } from '../src/index';
import { runBackendConformance } from '../../models/test/helpers/backend-conformance';

// Same networks and inputs as every backend; the ONNX export must reproduce tfjs's logits within 1e-4.
runBackendConformance({
  backend: () => createOnnxRuntimeNodeBackend(),
  source: (model) => ({ format: 'onnx', bytes: model.onnx }),
  numThreads: 1,
});
