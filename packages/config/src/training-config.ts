import { checkInteger, checkNumber, checkOneOf, checkString, failConfig } from './field-checks';
import { normalizeKeys } from './keys';

/** 'cpu' and 'cuda' are the seed's values; 'auto' picks the fastest tfjs backend present. */
export type TrainingDevice = 'auto' | 'cpu' | 'wasm' | 'cuda';
export type ClassWeighting = 'none' | 'balanced' | readonly number[];

export interface TrainingConfig {
  readonly numEpochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Decoupled weight decay (AdamW style). */
  readonly weightDecay: number;
  /** Epochs without validation improvement before stopping; 0 disables early stopping. */
  readonly earlyStoppingPatience: number;
  readonly device: TrainingDevice;
  readonly checkpointDir: string;
  /** Seed for weight init, shuffling and augmentation, so runs repeat. */
  readonly seed: number;
  /** Micro-batches summed per optimiser step: the effective batch is batchSize × this. */
  readonly gradientAccumulationSteps: number;
  readonly classWeighting: ClassWeighting;
  /** Mixup Beta(α, α) parameter when the dataset augments; 0 disables mixup. */
  readonly mixupAlpha: number;
}

export const TRAINING_CONFIG_KEYS = [
  'numEpochs', 'batchSize', 'learningRate', 'weightDecay', 'earlyStoppingPatience', 'device', 'checkpointDir',
  'seed', 'gradientAccumulationSteps', 'classWeighting', 'mixupAlpha',
] as const satisfies readonly (keyof TrainingConfig)[];

function checkClassWeighting(value: unknown): ClassWeighting {
  if (value === 'none' || value === 'balanced') return value;
  if (Array.isArray(value) && value.length > 0) {
    return Object.freeze(value.map((w, i) => checkNumber(`classWeighting[${i}]`, w, { min: 0, minExclusive: true })));
  }
  return failConfig('classWeighting', '"none", "balanced" or an array of positive weights, one per class', value);
}

export function createTrainingConfig(input: Partial<TrainingConfig> | Record<string, unknown> = {}): TrainingConfig {
  const v = normalizeKeys('TrainingConfig', input, TRAINING_CONFIG_KEYS);
  return Object.freeze({
    numEpochs: checkInteger('numEpochs', v.numEpochs ?? 50, 1, 100_000),
    batchSize: checkInteger('batchSize', v.batchSize ?? 32, 1, 65_536),
    learningRate: checkNumber('learningRate', v.learningRate ?? 1e-4, { min: 0, minExclusive: true, max: 10 }),
    weightDecay: checkNumber('weightDecay', v.weightDecay ?? 1e-5, { min: 0, max: 1 }),
    earlyStoppingPatience: checkInteger('earlyStoppingPatience', v.earlyStoppingPatience ?? 15, 0, 100_000),
    device: checkOneOf('device', v.device ?? 'cpu', ['auto', 'cpu', 'wasm', 'cuda'] as const),
    checkpointDir: checkString('checkpointDir', v.checkpointDir ?? 'checkpoints'),
    seed: checkInteger('seed', v.seed ?? 42, 0, 2 ** 32 - 1),
    gradientAccumulationSteps: checkInteger('gradientAccumulationSteps', v.gradientAccumulationSteps ?? 1, 1, 1024),
    classWeighting: checkClassWeighting(v.classWeighting ?? 'none'),
    mixupAlpha: checkNumber('mixupAlpha', v.mixupAlpha ?? 0, { min: 0, max: 10 }),
  });
}
