import type { PlatformRuntime } from '@noise-classifier/models';
import { onnxRuntimeNodeBackend } from './onnx-runtime-node-backend';
import { readAudioFile } from './read-audio-file';
import { readModelFile } from './read-model-file';
import { writeFileAtomic } from './write-file-atomic';

/** Node.js: onnxruntime-node plus file access. */
export const nodeRuntime: PlatformRuntime = {
  name: 'node',
  backends: [onnxRuntimeNodeBackend],
  readFile: readModelFile,
  readAudioFile,
  writeFileAtomic,
};
