import { LibrosaFeatureExtractor } from '@noise-classifier/legacy-compat/feature_extraction';

const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48_000));

const extractor = new LibrosaFeatureExtractor(); // librosa conventions at the seed's sizes
const melDb = extractor.extract_mel_spectrogram(audio);
const mfcc = extractor.extract_mfcc(audio);

console.log(`mel ${melDb.bins}x${melDb.frames}, peak ${Math.max(...melDb.data).toFixed(2)} dB; mfcc ${mfcc.bins}x${mfcc.frames}`);
