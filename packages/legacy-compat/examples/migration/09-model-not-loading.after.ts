import { isNoiseClassifierError } from '@noise-classifier/config';
import { NoiseClassifierService } from '@noise-classifier/pipelines';

try {
  await NoiseClassifierService.create({ modelPath: 'models/missing.onnx' });
} catch (error) {
  if (!isNoiseClassifierError(error, 'E_MODEL_NOT_FOUND')) throw error;
  console.log(`${error.code}: ${error.message}`);
}
