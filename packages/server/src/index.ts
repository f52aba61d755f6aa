// HTTP API
export { createServer, toResponse, type ServerOptions } from './http/create-server';
export { ApiError, toErrorResponse, type ApiErrorCode, type ErrorBody } from './api-error';
export { TokenVerifier, resolveTokens, tokenIdentity, TOKENS_ENV } from './http/auth';
export { TokenBucketLimiter, type RateLimitOptions } from './http/rate-limiter';
export { MicroBatcher, type MicroBatcherOptions } from './http/micro-batcher';
export { MetricsRegistry, Counter, Gauge, Histogram } from './http/metrics';
export { buildOpenApiDocument } from './http/openapi';
export { sniffContainer, decodeBase64Field, decodeRawPcm, ACCEPTED_AUDIO_TYPES, RAW_PCM_TYPES } from './audio-input';

export { startServer, type StartServerOptions, type RunningServer } from './serve';

export { classifierFromService, loadClassifier, decodeAudioFile, type ServiceLike, type LoadClassifierOptions } from './service-classifier';

export { loadTrainRunner } from './train-runner';
export { threadedTrainRunner } from './train-in-thread';

// Classifier surface
export type { Classifier, ClipInput, ServedClassification, ModelInfo, DecodedClip, AudioDecoder } from './classifier';

// Background jobs
export {
  enqueueTraining,
  enqueueClassifyBatch,
  enqueueJob,
  JobFailedError,
  type AddJobOptions,
  type JobQueue,
  type JobHandle,
  type JobStatus,
  type JobState,
  type JobName,
  type JobDataMap,
  type JobContext,
  type JobProcessor,
  type TrainJobData,
  type ClassifyBatchJobData,
  type ClassifyBatchItem,
} from './jobs/job-queue';
export { InProcessJobQueue, type InProcessQueueOptions } from './jobs/in-process-queue';
export { createJobProcessor, validateJobData, type JobProcessorOptions, type TrainRunner, type TrainRunRequest, type TrainRunResult } from './jobs/processors';
export { resolveUnderRoot } from './jobs/data-root';
export { confinedDatasetFiles, type DatasetFileAccess } from './jobs/confined-files';
export { validateTrainConfig, splitTrainConfig } from './jobs/train-config';
