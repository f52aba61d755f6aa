import { libraryConfig } from '../../tooling/tsup-config.ts';

// The seed's module paths are subpath entries that re-export the root entry (kept external), so every path
// shares one copy of each class and of the once-per-process warning state.
export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    noise_classifier_v2: 'src/seed-modules/noise-classifier-v2.ts',
    feature_extraction: 'src/seed-modules/feature-extraction.ts',
    emergency_noise_detector: 'src/seed-modules/emergency-noise-detector.ts',
    ml_service: 'src/seed-modules/ml-service.ts',
    // Kept for compatibility: a no-op now that the service picks the platform runtime itself.
    'register-node': 'src/node/register.ts',
  },
  external: ['@noise-classifier/legacy-compat'],
});
