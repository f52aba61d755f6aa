// `backend.services.ml_service` of the seed: `@noise-classifier/legacy-compat/ml_service`.
export {
  MLService,
  ML_MODEL_V2_PATH_ENV,
  type MLServiceOptions,
  type ClassifyNoiseRequest,
  type LegacyNoiseClassification,
} from '@noise-classifier/legacy-compat';
