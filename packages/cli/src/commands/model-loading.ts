import { NoiseClassifierService, type ServiceCreateOptions } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';

/** The service for `--model` (or the bundled default model), with onnxruntime-node and file access. */
export async function loadService(modelPath: string | undefined, config: ServiceCreateOptions['config'] = {}): Promise<NoiseClassifierService> {
  return NoiseClassifierService.create({ runtime: nodeRuntime, config, ...(modelPath === undefined ? {} : { modelPath }) });
}

/** A warning line when the model has random weights. */
export function untrainedWarning(service: NoiseClassifierService): string | null {
  return service.metadata.untrained
    ? `noise-classifier: warning: ${service.modelLocation} is an untrained model (random weights); its predictions are meaningless\n`
    : null;
}
