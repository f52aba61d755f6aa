import { createAudioFeatureConfig } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor } from '@noise-classifier/features';

const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48_000));

const config = createAudioFeatureConfig({ sampleRate: 48_000, nMels: 128 });
const extractor = await TorchAudioFeatureExtractor.create(config); // picks the SIMD FFT when it loads
const melSpec = extractor.extractMelSpectrogram(audio);

console.log(`${melSpec.bins} mel bins x ${melSpec.frames} frames, peak ${Math.max(...melSpec.data).toFixed(2)} dB`);
