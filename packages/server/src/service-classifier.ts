import { decodeAudio } from '@noise-classifier/features';
import type { AudioDecoder, Classifier, ModelInfo, ServedClassification } from './classifier';

/** The parts of pipelines' `NoiseClassifierService` the server uses (structural, so tests can pass the real one). */
export interface ServiceLike {
  readonly labels: readonly string[];
  readonly backendName: string;
  readonly metadata: {
    readonly untrained: boolean;
    readonly producerVersion: string;
    readonly createdAt?: string;
    readonly modelConfig: { readonly architecture: string };
  };
  classifyBatch(items: readonly { audio: Float32Array; sampleRate?: number }[], options?: { returnWindows?: boolean }): Promise<unknown[]>;
  dispose(): Promise<void>;
}

/** Adapts a `NoiseClassifierService` to the server's `Classifier`, converting results with `toWireClassification`. */
export function classifierFromService(service: ServiceLike, toWire: (result: never) => ServedClassification): Classifier {
  const m = service.metadata;
  const info: ModelInfo = {
    modelVersion: m.createdAt ? `${m.producerVersion} (${m.createdAt})` : m.producerVersion,
    labels: service.labels,
    architecture: m.modelConfig.architecture,
    backend: service.backendName,
    untrained: m.untrained,
  };
  return {
    async classifyBatch(items) {
      const results = await service.classifyBatch(
        items.map((c) => ({ audio: c.samples, sampleRate: c.sampleRate })),
        { returnWindows: false },
      );
      return results.map((r) => toWire(r as never));
    },
    modelInfo: () => info,
    dispose: () => service.dispose(),
  };
}

export interface LoadClassifierOptions {
  /** ONNX model file; default: the model bundled with @noise-classifier/pipelines. */
  readonly modelPath?: string;
  /** InferenceConfig overrides (numThreads, maxBatchSize, …). */
  readonly config?: Record<string, unknown>;
}

/**
 * Loads `NoiseClassifierService` on onnxruntime-node. Imported lazily so the HTTP layer (and its tests of auth,
 * limits and queues) does not pull the model runtime until a model is actually needed.
 */
export async function loadClassifier(options: LoadClassifierOptions = {}): Promise<Classifier> {
  const [{ NoiseClassifierService, toWireClassification }, { nodeRuntime }] = await Promise.all([
    import('@noise-classifier/pipelines'),
    import('@noise-classifier/runtime-node'),
  ]);
  const service = await NoiseClassifierService.create({
    runtime: nodeRuntime,
    ...(options.modelPath === undefined ? {} : { modelPath: options.modelPath }),
    ...(options.config === undefined ? {} : { config: options.config }),
  });
  return classifierFromService(service as unknown as ServiceLike, toWireClassification as (r: never) => ServedClassification);
}

/** features' `decodeAudio` in the server's shape. */
export const decodeAudioFile: AudioDecoder = async (bytes) => {
  const d = await decodeAudio(bytes);
  return { samples: d.samples, sampleRate: d.sampleRate, durationSeconds: d.durationSeconds };
};
