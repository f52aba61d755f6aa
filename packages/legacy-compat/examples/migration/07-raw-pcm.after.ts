import { decodeAudio } from '@noise-classifier/features';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { readFile } from 'node:fs/promises';

const { samples, sampleRate } = await decodeAudio(await readFile('clip.wav'));

// The new API takes the samples themselves: no base64 round trip.
const service = await NoiseClassifierService.create({ modelPath: 'model.onnx' });
const result = await service.classify(samples, sampleRate);

console.log(`${result.predictedClass} ${result.confidence.toFixed(3)}`);
