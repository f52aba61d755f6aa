import { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import { createLibrosaFeatureConfig } from '@noise-classifier/legacy-compat';

const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48_000));

// Slaney mel scale + norm, zero centre padding, power_to_db(ref=1, amin=1e-10, top_db=80): a preset, same front end.
const extractor = new TorchAudioFeatureExtractor(createLibrosaFeatureConfig());
const melDb = extractor.extractMelSpectrogram(audio);
const mfcc = extractor.extractMfcc(audio);

console.log(`mel ${melDb.bins}x${melDb.frames}, peak ${Math.max(...melDb.data).toFixed(2)} dB; mfcc ${mfcc.bins}x${mfcc.frames}`);
