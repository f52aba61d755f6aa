// `src.ml.emergency_noise_detector` of the seed: `@noise-classifier/legacy-compat/emergency_noise_detector`.
export { EmergencyNoiseDetector, type LegacyEmergencyDetectorOptions } from '@noise-classifier/legacy-compat';
