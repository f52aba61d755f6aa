import { isNoiseClassifierError } from '@noise-classifier/config';
import { NoiseClassifierV2 } from '@noise-classifier/legacy-compat';

// The seed raised FileNotFoundError; now every failure is a NoiseClassifierError with a stable code.
try {
  await NoiseClassifierV2.create('models/missing.onnx', 'cpu'); // create() loads now; new …() fails at classify()
} catch (error) {
  if (!isNoiseClassifierError(error, 'E_MODEL_NOT_FOUND')) throw error;
  console.log(`${error.code}: ${error.message}`);
}
