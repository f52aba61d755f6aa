import { readFile } from 'node:fs/promises';
import { NoiseClassifierService } from '@noise-classifier/pipelines';

const base64EncodedAudio = (await readFile('clip.wav')).toString('base64');

const service = await NoiseClassifierService.create({ modelPath: 'model.onnx' });
const classified = await service.classify(Buffer.from(base64EncodedAudio, 'base64')); // encoded bytes are decoded
const result = {
  noise_type: classified.predictedClass,
  confidence: classified.confidence,
  all_predictions: classified.probabilities,
  model_version: 'v2',
};

console.log(`Model version: ${result.model_version}`);
console.log(`noise_type: ${result.noise_type}, confidence: ${result.confidence.toFixed(3)}`);
console.log(`all_predictions: ${Object.keys(result.all_predictions).length} classes`);
