// Node-only helpers of @noise-classifier/training (`@noise-classifier/training/node`): onnxruntime-node
// gradients, the Node training platform (engine choice, folder checkpoint stores), pretrained weights on disk.
export { loadOnnxRuntimeNode, onnxRuntimeAvailable, onnxRuntimeGradientEngine, type OnnxRuntimeGradientEngineOptions } from './onnx-gradient-engine';
export { directoryCheckpointStore } from './directory-checkpoint-store';
export { nodeTrainingPlatform, type NodeTrainingPlatformOptions } from './node-training-platform';
export { loadPretrainedFromDisk, type LoadPretrainedFromDiskOptions } from './load-pretrained';
