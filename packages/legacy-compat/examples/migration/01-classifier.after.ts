import { readFile } from 'node:fs/promises';
import { createInferenceConfig } from '@noise-classifier/config';
import { decodeAudio } from '@noise-classifier/features';
import { NoiseClassifierService } from '@noise-classifier/pipelines';

const { samples: audio, sampleRate } = await decodeAudio(await readFile('clip.wav'));

const config = createInferenceConfig({ modelPath: 'model.onnx', device: 'cpu', returnTopK: 5 });
const service = await NoiseClassifierService.create({ config });
const result = await service.classify(audio, sampleRate); // toWireClassification(result) gives the snake_case keys

console.log(`Predicted: ${result.predictedClass} (${(result.confidence * 100).toFixed(1)}%)`);
for (const [category, prob] of result.topK) console.log(`  ${category}: ${(prob * 100).toFixed(1)}%`);
