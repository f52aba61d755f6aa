import { readFile } from 'node:fs/promises';
import { decodeAudio } from '@noise-classifier/features';
import { NoiseClassifierV2 } from '@noise-classifier/legacy-compat';

const { samples: audio, sampleRate } = await decodeAudio(await readFile('clip.wav'));

const classifier = new NoiseClassifierV2('model.onnx', 'cpu'); // loads on the first classify()
const result = await classifier.classify(audio, sampleRate, 5);

console.log(`Predicted: ${result.predicted_class} (${(result.confidence * 100).toFixed(1)}%)`);
for (const [category, prob] of result.top_k) console.log(`  ${category}: ${(prob * 100).toFixed(1)}%`);
