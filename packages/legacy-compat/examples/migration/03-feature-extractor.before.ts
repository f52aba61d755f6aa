import { AudioFeatureExtractor } from '@noise-classifier/legacy-compat';

const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48_000));

const extractor = new AudioFeatureExtractor({ sample_rate: 48_000, n_mels: 128 });
const melSpec = extractor.extract_mel_spectrogram(audio);

console.log(`${melSpec.bins} mel bins x ${melSpec.frames} frames, peak ${Math.max(...melSpec.data).toFixed(2)} dB`);
