import { availableParallelism } from 'node:os';
import { importRuntime, type OrtModuleLike } from '@noise-classifier/models';
import type * as tfType from '@tensorflow/tfjs';
import type { GradientEngineFactory } from '../gradient-engine';
import { createOnnxGradientEngine } from '../onnx-gradient-engine';

export interface OnnxRuntimeGradientEngineOptions {
  /** The tfjs module the trained model lives in. */
  readonly tf: typeof tfType;
  /** onnxruntime intra-op threads (default: all cores, `os.availableParallelism()`). */
  readonly threads?: number;
  /** The runtime import (tests point it elsewhere); default `import('onnxruntime-node')`. */
  readonly load?: () => Promise<OrtModuleLike>;
}

let loaded: Promise<OrtModuleLike> | undefined;

/**
 * Imports onnxruntime-node once (models' `importRuntime`: E_RUNTIME_MISSING when it is not installed,
 * E_RUNTIME_FAILED when its native part does not load); a failed import is retried on the next call.
 */
export async function loadOnnxRuntimeNode(load?: () => Promise<OrtModuleLike>): Promise<OrtModuleLike> {
  // A variable specifier keeps bundlers (tsup) from inlining the native package; it comes with runtime-node.
  const specifier = 'onnxruntime-node';
  const attempt = () => importRuntime(specifier, load ?? (() => import(/* @vite-ignore */ specifier) as Promise<OrtModuleLike>));
  if (load) return attempt();
  loaded ??= attempt();
  try {
    return await loaded;
  } catch (error) {
    loaded = undefined;
    throw error;
  }
}

/** Whether onnxruntime-node loads here (the CLI's default engine is onnxruntime when it does, else tfjs). */
export async function onnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOnnxRuntimeNode();
    return true;
  } catch {
    return false;
  }
}

/**
 * The Trainer's onnxruntime gradient engine in Node: `train(..., { createGradientEngine: onnxRuntimeGradientEngine({ tf }) })`.
 * Builds the model's training graph and one onnxruntime-node session (native, multi-threaded) per training run.
 */
export function onnxRuntimeGradientEngine(options: OnnxRuntimeGradientEngineOptions): GradientEngineFactory {
  const threads = options.threads ?? availableParallelism();
  return async (model) => createOnnxGradientEngine(model, { ort: await loadOnnxRuntimeNode(options.load), tf: options.tf, threads });
}
