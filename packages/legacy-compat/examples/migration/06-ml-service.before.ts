import { readFile } from 'node:fs/promises';
import { MLService } from '@noise-classifier/legacy-compat/ml_service';

const base64EncodedAudio = (await readFile('clip.wav')).toString('base64');

// Model: this option, else the ML_MODEL_V2_PATH environment variable, else the bundled default model.
const mlService = new MLService({ modelPath: 'model.onnx' });

// "With Backend API Service": classify_noise(audio_base64)
const result = await mlService.classify_noise(base64EncodedAudio);
console.log(`Model version: ${result.model_version}`);

// "Flask Blueprint": classify_noise(audio_data=…, sample_rate=48000); a file's own header rate wins
const flask = await mlService.classifyNoise({ audioData: base64EncodedAudio, sampleRate: 48_000 });
console.log(`noise_type: ${flask.noise_type}, confidence: ${flask.confidence.toFixed(3)}`);
console.log(`all_predictions: ${Object.keys(flask.all_predictions).length} classes`);
