import { isNoiseClassifierError } from '@noise-classifier/config';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';

try {
  await NoiseClassifierService.create({ modelPath: 'models/missing.onnx', runtime: nodeRuntime });
} catch (error) {
  if (!isNoiseClassifierError(error, 'E_MODEL_NOT_FOUND')) throw error;
  console.log(`${error.code}: ${error.message}`);
}
