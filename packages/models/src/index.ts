export type {
  ModelMetadata,
  ModelSource,
  SessionOptions,
  SessionOutput,
  RunOptions,
  InferenceSession,
  InferenceBackend,
} from './backend';

// Architectures, ONNX export/import, tfjs format, metadata.
export { loadTf, type TfModule } from './tfjs-loader';
export { registerArchitecture, listArchitectures, buildModel, type BuildModelOptions } from './architectures/registry';
export type { ArchitectureBuilder, ArchitectureContext } from './architectures/types';
export {
  EFFICIENTNET_SCALING,
  roundFilters,
  roundRepeats,
  efficientNetBuilder,
  type EfficientNetScaling,
} from './architectures/efficientnet';
export { buildCnnSmall } from './architectures/cnn-small';
export {
  buildEfficientAtMn,
  efficientAtEmbeddingModel,
  efficientAtBlocks,
  efficientAtSqueezeChannels,
  efficientAtBuilder,
  EFFICIENTAT_MN_BLOCKS,
  EFFICIENTAT_WIDTHS,
  EFFICIENTAT_EMBEDDING_LAYER,
  AUDIOSET_NUM_CLASSES,
  type EfficientAtMnOptions,
  type MobileNetBlockSpec,
} from './architectures/efficientat-mn';
export { hardSwishLayer, HARD_SWISH_CLASS } from './layers/hard-swish';
export {
  readSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
  type SafetensorsDtype,
  type ReadSafetensorsOptions,
} from './weights/safetensors';
export {
  loadEfficientAtWeights,
  readEfficientAtWeights,
  EFFICIENTAT_MEL_BANDS,
  type LoadEfficientAtWeightsOptions,
} from './weights/efficientat-weights';
export { checkEfficientAtFrontEnd } from './weights/efficientat-front-end';
export { EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, AUDIOSET_LABELS_PROVENANCE } from './weights/efficientat-provenance';
export { stochasticDepthLayer, registerCustomLayers, STOCHASTIC_DEPTH_CLASS, type StochasticDepthArgs } from './layers/stochastic-depth';
export { calibrateBatchNorm, type CalibrateBatchNormOptions } from './architectures/calibrate-batch-norm';
export { countParameters, type ParameterCount } from './architectures/parameter-count';
export { applyPretrainedWeights, type PretrainedWeightsLoader } from './architectures/pretrained';
export {
  exportOnnx,
  samePads,
  ONNX_OPSET,
  ONNX_IR_VERSION,
  ONNX_INPUT_NAME,
  ONNX_LOGITS_NAME,
  ONNX_PROBABILITIES_NAME,
  ONNX_AUDIOSET_LOGITS_NAME,
  ONNX_BATCH_DIM,
  type ExportOnnxOptions,
} from './onnx/export-onnx';
export { readOnnxModelInfo, type OnnxModelInfo, type OnnxTensorInfo } from './onnx/read-onnx';
export { exportOnnxEnsemble } from './onnx/export-onnx-ensemble';
export {
  quantizeOnnx,
  ONNX_QUANTIZATIONS,
  QUANTIZATION_METADATA_KEY,
  type OnnxQuantization,
  type QuantizeOnnxOptions,
  type QuantizedOnnxModel,
} from './onnx/quantize-onnx';
export { widenFloat16Weights, isFloat16StoredModel } from './onnx/widen-float16';
export {
  decodeOnnxModel,
  encodeOnnxModel,
  floatInitializerValues,
  type OnnxModelMessage,
  type OnnxGraphMessage,
  type OnnxNodeMessage,
  type OnnxTensorMessage,
  type OnnxAttributeMessage,
} from './onnx/onnx-model-codec';
export {
  activationsToCalibrate,
  calibrationModel,
  calibrateActivations,
  quantizeOnnxStatic,
  type ActivationRange,
} from './onnx/static-quantize-onnx';
export {
  appendAudioSetCombinedHead,
  type CombinedHeadGraphSpec,
  type CombinedHeadSlot,
} from './onnx/audioset-combined-head-onnx';
// Graph-building blocks (the training graph of @noise-classifier/training is built from them).
export { layerGraph, layerWeight, type LayerCall, type LayerGraph, type TensorRef } from './layers/layer-graph';
export { OnnxGraphBuilder, type OnnxAttribute, type OnnxNode, type OnnxTensor, type AttributeValue } from './onnx/onnx-graph-builder';
export { ONNX_DATA_TYPE, modelProtoType } from './onnx/onnx-schema';
export {
  saveTfjsModel,
  loadTfjsModel,
  TFJS_WEIGHTS_FILE,
  TFJS_METADATA_KEY,
  type TfjsModelFiles,
  type TfjsFormatOptions,
  type LoadedTfjsModel,
} from './tfjs-format/tfjs-model-files';
export {
  createModelMetadata,
  metadataToProps,
  metadataFromProps,
  checkInputAgainstMetadata,
  PRODUCER_NAME,
  PRODUCER_VERSION,
  METADATA_KEYS,
  type ModelMetadataInput,
  type MetadataOverrides,
} from './metadata';

// Backend registry and the tfjs in-process backend.
export { createBackendRegistry, registerBackend, listBackends, resolveBackend } from './backends/registry';
export type { BackendRegistry, RegisteredBackendInfo } from './backends/registry';
export { createOrtBackend } from './backends/ort-backend';
export type { OrtBackendSpec, OrtModuleLike, OrtSessionLike, OrtTensorLike } from './backends/ort-backend';
export { checkRunInput } from './backends/check-run-input';
export type { InputShape } from './backends/check-run-input';
export { importRuntime } from './backends/import-runtime';
export type { PlatformRuntime } from './backends/platform-runtime';
export { createTfjsBackend, tfjsBackend } from './backends/tfjs-backend';
export type { TfjsBackendOptions } from './backends/tfjs-backend';
