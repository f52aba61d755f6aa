// `@noise-classifier/pipelines/wire`: every snake_case converter in one entry — results, history and evaluations
// (also exported from the root) and the records only the server and the CLI send: jobs, health, `inspect`,
// `combine`. A subpath so the root surface stays small.
export {
  toWireClassification,
  fromWireClassification,
  toWireServiceResponse,
  type WireClassification,
  type WireServiceResponse,
} from './classification-wire';
export { toWireHistory, fromWireHistory, toWireEpochMetrics, toWireTrainingSummary, type WireTrainingHistory } from './history-wire';
export { toWireEvaluation, fromWireEvaluation } from './evaluation-wire';
export {
  toWireJobStatus,
  toWireJobAccepted,
  toWireTrainingProgress,
  toWireTrainingJobResult,
  toWireBatchJobResult,
  type JobRecord,
  type WireJobStatus,
  type WireJobAccepted,
  type WireTrainingProgress,
  type WireTrainingJobResult,
  type WireBatchJobResult,
} from './job-wire';
export { toWireHealth, type WireHealth } from './health-wire';
export { toWireModelInspection, onnxElemTypeName, type ModelInspection, type WireModelInspection } from './model-inspection-wire';
export { toWireCombinerCalibration, type WireCombinerCalibration } from './combine-wire';
