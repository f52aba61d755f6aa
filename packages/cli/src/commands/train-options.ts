import type { Command } from 'commander';

/** `noise-classifier train`'s options, as commander hands them over (camelCase of the flags). */
export interface TrainCommandOptions {
  data: string[];
  valFold?: number;
  /** Folds left out entirely (neither trained on nor validated on): recipe choices with a test fold untouched. */
  excludeFold?: number[];
  valSplit?: number;
  arch: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  patience: number;
  seed: number;
  out: string;
  /** Synthetic clips per synthetic class (white/pink/brown/blue noise, silence, fire_alarm); 0 = none. */
  synthetic: number;
  augment: boolean;
  mixup: number;
  classWeights: string;
  dropout: number;
  cache?: string;
  resume: boolean;
  /** Stop after this many epochs in this invocation (a later `train` with the same --out resumes). */
  maxEpochs?: number;
  /** Gradient engine: onnxruntime (native, multi-threaded) or tfjs; default onnxruntime when onnxruntime-node loads. */
  engine?: 'onnxruntime' | 'tfjs';
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /** Learning-rate schedule: constant or cosine decay over the epochs. */
  lrSchedule?: 'constant' | 'cosine';
  /** Front end: mel bins (= model input height), STFT hop in samples, frames per model window (= width). */
  nMels?: number;
  hopLength?: number;
  windowFrames?: number;
  /** Random windows per training clip per epoch (more steps per epoch from the same clips); default 1. */
  windowsPerClip?: number;
  /** Random smooth EQ augmentation, ± dB per coefficient (tilt, bend, wiggle); default 0 (off). */
  eqAugment?: number;
  /** Train this many models (seeds seed, seed+1, …) and export them as one ONNX ensemble; default 1. */
  ensemble?: number;
  /** Keep the last epoch's weights even with validation data (the validation fold does not pick the epoch). */
  keepLast?: boolean;
  /** Label smoothing ε when augmenting; default 0. */
  labelSmoothing?: number;
  /** Transfer learning from pretrained weights: a folder, or a name (efficientat_mn04) looked up in the roots. */
  pretrained?: string;
  /** Where `--pretrained <name>` is looked for first (then $NOISE_CLASSIFIER_PRETRAINED, then ../shared/pretrained). */
  pretrainedRoot?: string;
  /** Pretrained: keep the backbone frozen (default); --no-freeze-backbone fine-tunes all of it after the head. */
  freezeBackbone?: boolean;
  /** Pretrained fine-tuning: the backbone's learning rate is --learning-rate × this (default 0.1). */
  backboneLrScale?: number;
  /** Pretrained fine-tuning epochs after the head (default 10). */
  fineTuneEpochs?: number;
  /** Pretrained fine-tuning: batch norms stay as pretrained (moving statistics, fixed γ/β). */
  freezeBatchNorm?: boolean;
  /** Pretrained: extra random (augmented) windows per clip embedded for the head; default 0. */
  crops?: number;
  /** Pretrained: how the head is fitted, logistic or minibatch. */
  headFit?: 'logistic' | 'minibatch';
  headL2?: number;
  /** Pretrained: what the head reads, embedding or embedding+audioset. */
  headInput?: string;
  quiet?: boolean;
}

const number = (name: string, min: number, max: number, integer = false) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, received ${JSON.stringify(value)}`);
  }
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, value];
const engineName = (value: string): 'onnxruntime' | 'tfjs' => {
  if (value === 'onnxruntime' || value === 'tfjs') return value;
  throw new Error(`--engine must be onnxruntime or tfjs, received ${JSON.stringify(value)}`);
};

const headFitName = (value: string): 'logistic' | 'minibatch' => {
  if (value === 'logistic' || value === 'minibatch') return value;
  throw new Error(`--head-fit must be logistic or minibatch, received ${JSON.stringify(value)}`);
};

/** Registers every `train` flag with its parser and default on `command`. */
export function addTrainOptions(command: Command): Command {
  return command
    .requiredOption('--data <manifest.csv|folder>', 'training data; repeat to merge several datasets', collect, [])
    .option('--val-fold <k>', 'hold out fold k (manifest fold column) for validation', number('val-fold', 0, 1e6, true))
    .option('--exclude-fold <k>', 'leave fold k out entirely (repeatable): choose a recipe with --val-fold on the other folds while the test fold stays untouched', (v: string, prev: number[]) => [...prev, number('exclude-fold', 0, 1e6, true)(v)], [] as number[])
    .option('--val-split <f>', 'hold out this fraction of each class for validation', number('val-split', 0.01, 0.9))
    .option('--arch <name>', 'architecture (cnn_small, efficientnet_b0 … efficientnet_b3)', 'cnn_small')
    .option('--epochs <n>', 'epochs', number('epochs', 1, 100000, true), 30)
    .option('--batch-size <n>', 'batch size', number('batch-size', 1, 4096, true), 16)
    .option('--learning-rate <lr>', 'AdamW learning rate', number('learning-rate', 1e-7, 10), 2e-3)
    .option('--weight-decay <wd>', 'AdamW decoupled weight decay', number('weight-decay', 0, 1), 1e-4)
    .option('--patience <n>', 'early-stopping patience in epochs (0: off)', number('patience', 0, 100000, true), 8)
    .option('--seed <n>', 'seed for initialisation, shuffling and augmentation', number('seed', 0, 2 ** 32 - 1, true), 42)
    .option('--synthetic <n>', 'add n synthetic clips per synthetic class (noise colours, silence, fire_alarm)', number('synthetic', 0, 10000, true), 0)
    .option('--no-augment', 'no SpecAugment, gain, noise or mixup')
    .option('--mixup <alpha>', 'mixup Beta(α, α) when augmenting (0: off)', number('mixup', 0, 10), 0.2)
    .option('--class-weights <mode>', 'none, balanced, or comma-separated weights', 'balanced')
    .option('--dropout <p>', 'classifier dropout', number('dropout', 0, 0.99), 0.3)
    .option('--cache <dir>', 'feature cache folder (default <out>/feature-cache)')
    .option('--no-resume', 'start over even when <out>/checkpoint holds a checkpoint')
    .option('--max-epochs <n>', 'stop after n epochs in this run (resume later)', number('max-epochs', 1, 100000, true))
    .option('--engine <name>', 'gradient engine: onnxruntime (native, multi-threaded) or tfjs (default: onnxruntime when onnxruntime-node loads)', engineName)
    .option('--threads <n>', 'onnxruntime threads for the onnxruntime engine (default: all cores)', number('threads', 1, 1024, true))
    .option('--lr-schedule <kind>', 'constant or cosine (decay to 2% over the epochs)', 'cosine')
    .option('--n-mels <n>', 'mel bins = model input height (default 128, the seed)', number('n-mels', 8, 512, true))
    .option('--hop-length <n>', 'STFT hop in samples at 48 kHz (default 512)', number('hop-length', 64, 8192, true))
    .option('--window-frames <n>', 'frames per model window = model input width (default 128)', number('window-frames', 8, 4096, true))
    .option('--windows-per-clip <n>', 'random windows drawn from each training clip per epoch', number('windows-per-clip', 1, 1000, true))
    .option('--eq-augment <dB>', 'random smooth EQ (tilt/bend/wiggle, ± dB each) when augmenting (0: off)', number('eq-augment', 0, 40))
    .option('--ensemble <k>', 'train k models (seeds seed … seed+k−1) and export one ONNX file averaging their probabilities', number('ensemble', 1, 16, true))
    .option('--label-smoothing <eps>', 'label smoothing ε when augmenting (0: off)', number('label-smoothing', 0, 0.5))
    .option('--keep-last', 'keep the last epoch\'s weights instead of the best validation epoch\'s (honest held-out figures)')
    .option('--pretrained <dir|name>', 'transfer learning from pretrained weights: a folder, or efficientat_mn04 (looked up in --pretrained-root, $NOISE_CLASSIFIER_PRETRAINED, ../shared/pretrained; never downloaded); the front end becomes the weights\' own. The bundled model: frozen mn04 + a logistic-regression head on ../shared/datasets, about a minute, 83% on held-out real clips of the 10 original labels (from-scratch cnn_small: 61%)')
    .option('--pretrained-root <dir>', 'folder holding pretrained weights folders (searched first for --pretrained <name>)')
    .option('--freeze-backbone', 'pretrained: keep the backbone frozen and train only the head on embeddings computed once (the default)')
    .option('--no-freeze-backbone', 'pretrained: after training the head on frozen embeddings, fine-tune the whole network (SpecAugment, mixup, early stopping, checkpoints)')
    .option('--backbone-lr-scale <f>', 'pretrained fine-tuning: learning rate = --learning-rate × f', number('backbone-lr-scale', 1e-4, 10), 0.1)
    .option('--fine-tune-epochs <n>', 'pretrained fine-tuning epochs after the head', number('fine-tune-epochs', 1, 100000, true), 10)
    .option('--freeze-batch-norm', 'pretrained fine-tuning: keep every batch norm as pretrained (moving statistics, fixed scale and shift)')
    .option('--crops <n>', 'pretrained: extra random augmented windows per clip embedded for the head (more head-training data)', number('crops', 0, 1000, true), 0)
    .option('--head-fit <kind>', 'pretrained: fit the head as an L2-regularised logistic regression on standardised embeddings (logistic, the default: full batch to convergence, no epochs) or with the epochs/dropout/mixup recipe (minibatch)', headFitName, 'logistic')
    .option('--head-l2 <λ>', 'pretrained, --head-fit logistic: weight of the L2 penalty on the head (default 0.01)', number('head-l2', 0, 100))
    .option('--head-input <kind>', 'pretrained: the head reads the pooled embedding (embedding) or it plus the 527 AudioSet scores (embedding+audioset)', 'embedding')
    .option('--out <dir>', 'output folder', 'training-output');
}
