import path from 'node:path';
import { loadTf } from '@noise-classifier/models';
import { onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';
import type { TrainingPlatform } from '../recipe/training-recipe';
import { directoryCheckpointStore } from './directory-checkpoint-store';
import { onnxRuntimeAvailable, onnxRuntimeGradientEngine } from './onnx-gradient-engine';

export interface NodeTrainingPlatformOptions {
  /** Folder for the checkpoint stores (`<dir>/checkpoint`, `<dir>/checkpoint-m2`, …); none: no checkpoints. */
  readonly checkpointDir?: string;
  /** Gradient engine; default onnxruntime when onnxruntime-node loads, else tfjs. */
  readonly engine?: 'onnxruntime' | 'tfjs';
  /** onnxruntime intra-op threads (default: all cores). */
  readonly threads?: number;
}

/** Node's training platform: the one place that chooses the gradient engine and where checkpoints go. */
export async function nodeTrainingPlatform(options: NodeTrainingPlatformOptions = {}): Promise<TrainingPlatform & { readonly engine: 'onnxruntime' | 'tfjs' }> {
  const tf = await loadTf();
  const engine = options.engine ?? ((await onnxRuntimeAvailable()) ? 'onnxruntime' : 'tfjs');
  const { checkpointDir } = options;
  return {
    tf,
    engine,
    ...(engine === 'onnxruntime'
      ? {
        createGradientEngine: onnxRuntimeGradientEngine({ tf, ...(options.threads === undefined ? {} : { threads: options.threads }) }),
        // The frozen backbone runs on onnxruntime-node too (same numbers as tfjs, much faster).
        embeddingBackend: onnxRuntimeNodeBackend,
      }
      : {}),
    ...(checkpointDir === undefined ? {} : { checkpointStore: (stage: string) => directoryCheckpointStore(path.join(checkpointDir, stage)) }),
  };
}
