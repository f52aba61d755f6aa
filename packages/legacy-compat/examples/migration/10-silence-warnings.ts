import { AudioFeatureExtractor, MLService, silenceDeprecations } from '@noise-classifier/legacy-compat';

// Three ways to keep the warnings quiet while you migrate:
new AudioFeatureExtractor({}, { silenceDeprecation: true }); // 1. per instance
silenceDeprecations(); //                                         2. for the whole process
new MLService({ modelPath: 'model.onnx' });
// 3. NOISE_CLASSIFIER_NO_DEPRECATION=1 in the environment (or node --no-deprecation, for every package)

console.log('no deprecation warning was printed');
