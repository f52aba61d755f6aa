import '@noise-classifier/legacy-compat/register-node';
import { readFile } from 'node:fs/promises';
import { MLService } from '@noise-classifier/legacy-compat/ml_service';

const base64EncodedAudio = (await readFile('clip.wav')).toString('base64');

// Model: this option, else the ML_MODEL_V2_PATH environment variable, else the bundled default model.
const mlService = new MLService({ modelPath: 'model.onnx' });
const result = await mlService.classify_noise(base64EncodedAudio, 48_000); // a file's own header rate wins

console.log(`noise_type: ${result.noise_type}, confidence: ${result.confidence.toFixed(3)}, model_version: ${result.model_version}`);
console.log(`all_predictions: ${Object.keys(result.all_predictions).length} classes`);
