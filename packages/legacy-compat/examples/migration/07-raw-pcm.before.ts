import { decodeAudio } from '@noise-classifier/features';
import { MLService } from '@noise-classifier/legacy-compat';
import { readFile } from 'node:fs/promises';

// Headerless PCM is mono float32 little-endian (numpy's samples.astype(np.float32).tobytes()) and needs its rate.
const { samples, sampleRate } = await decodeAudio(await readFile('clip.wav'));
const rawBase64 = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');

const mlService = new MLService({ modelPath: 'model.onnx' });
const result = await mlService.classifyNoise({ audioData: rawBase64, sampleRate });

console.log(`${result.noise_type} ${result.confidence.toFixed(3)}`);
