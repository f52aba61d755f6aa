import { createAudioFeatureConfig, createModelConfig, createTrainingConfig, NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** Keys of a training job's `config` that are not TrainingConfig fields. */
const MODEL_CONFIG_KEYS = ['model_config', 'modelConfig'];
const FEATURE_CONFIG_KEYS = ['feature_config', 'featureConfig'];

/** The architecture a training job builds unless its `model_config` names another. */
export const DEFAULT_JOB_ARCHITECTURE = 'cnn_small';

export interface SplitTrainConfig {
  readonly trainingConfig: Record<string, unknown>;
  readonly modelConfig: Record<string, unknown>;
  readonly featureConfig?: Record<string, unknown>;
}

/** Splits a job's `config` into TrainingConfig fields, `model_config` and `feature_config`. */
export function splitTrainConfig(input: Readonly<Record<string, unknown>>): SplitTrainConfig {
  const trainingConfig: Record<string, unknown> = {};
  let modelConfig: Record<string, unknown> = {};
  let featureConfig: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (MODEL_CONFIG_KEYS.includes(key)) modelConfig = { ...(value as Record<string, unknown>) };
    else if (FEATURE_CONFIG_KEYS.includes(key)) featureConfig = { ...(value as Record<string, unknown>) };
    // The checkpoint folder belongs to the job, never to the client.
    else if (key !== 'checkpoint_dir' && key !== 'checkpointDir') trainingConfig[key] = value;
  }
  return { trainingConfig, modelConfig, featureConfig };
}

/**
 * Checks a training job's whole `config` with the same config factories the training run uses, so a bad value
 * (num_epochs 1e12, learning_rate "NaN", an unknown architecture) is refused at submit with E_CONFIG naming the
 * field, what was expected and what arrived, instead of failing later in the worker.
 */
export async function validateTrainConfig(input: Readonly<Record<string, unknown>> | undefined): Promise<void> {
  const { trainingConfig, modelConfig, featureConfig } = splitTrainConfig(input ?? {});
  createTrainingConfig(trainingConfig);
  const model = createModelConfig({ architecture: DEFAULT_JOB_ARCHITECTURE, ...modelConfig });
  createAudioFeatureConfig(featureConfig ?? {});
  const known = await registeredArchitectures();
  if (known && !known.includes(model.architecture)) {
    throw new NoiseClassifierError('E_CONFIG', `Unknown architecture ${JSON.stringify(model.architecture)}`, {
      field: 'config.model_config.architecture',
      expected: `one of ${known.join(', ')}`,
      received: describeValue(model.architecture),
    });
  }
}

/** The registered architectures, or undefined where the models package cannot load (the worker then decides). */
async function registeredArchitectures(): Promise<string[] | undefined> {
  try {
    return (await import('@noise-classifier/models')).listArchitectures();
  } catch {
    return undefined;
  }
}
