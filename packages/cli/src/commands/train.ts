import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NoiseClassifierError, createAudioFeatureConfig, createTrainingConfig, type AudioFeatureConfig, type ClassWeighting } from '@noise-classifier/config';
import { EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, createModelMetadata, exportOnnx, exportOnnxEnsemble, loadTf, saveTfjsModel } from '@noise-classifier/models';
import {
  NoiseDataset,
  PRETRAINED_ROOT_ENV,
  SYNTHETIC_KINDS,
  computeClassificationMetrics,
  generateSyntheticSet,
  toWireHistory,
  train,
  loadPretrainedBackbone,
  resolvePretrainedLocation,
  trainPretrained,
  trainingReportHtml,
  type CheckpointStore,
  type HeadInput,
  type PretrainedBackbone,
  type TrainOutcome,
  type TrainPretrainedOutcome,
  type DatasetFileAccess,
  type DatasetSource,
  type FeatureCacheStore,
  type TrainingProgress,
} from '@noise-classifier/pipelines';
import { createWorkerGradientHelper, onnxRuntimeAvailable, onnxRuntimeGradientEngine } from '@noise-classifier/pipelines/node';
import { onnxRuntimeNodeBackend, writeFileAtomic } from '@noise-classifier/runtime-node';
import type { Command } from 'commander';
import type { CliIo, CommandModule } from './command-module';

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
  /** Compute half of each batch in a worker thread (a second core); tfjs engine only. */
  twoCores?: boolean;
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
  /** Pretrained: what the head reads, embedding or embedding+audioset. */
  headInput?: string;
  quiet?: boolean;
}

export interface TrainCommandSummary {
  readonly outDir: string;
  readonly onnxPath: string;
  readonly labels: readonly string[];
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly backend: string;
  /** What computed the gradients, e.g. `onnxruntime (2 threads)` or `tfjs-wasm`. */
  readonly engine: string;
  readonly validation?: { accuracy: number; macroF1: number; clips: number };
}

const SYNTHETIC_LABELLED = SYNTHETIC_KINDS.filter((k) => k !== 'mains_hum');

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

/** `noise-classifier train`: trains a model on a manifest or class folders, writes checkpoint, ONNX and a report. */
export const trainCommand: CommandModule = {
  name: 'train',
  register: (program, io) => void registerTrainCommand(program, io),
};

export function registerTrainCommand(program: Command, io: CliIo = defaultIo): Command {
  return program
    .command('train')
    .description('Train a model on labelled audio (manifest.csv with file,label[,fold], or one folder per class)')
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
    .option('--two-cores', 'tfjs engine: compute half of each batch in a worker thread (faster when a second core is free)')
    .option('--lr-schedule <kind>', 'constant or cosine (decay to 2% over the epochs)', 'cosine')
    .option('--n-mels <n>', 'mel bins = model input height (default 128, the seed)', number('n-mels', 8, 512, true))
    .option('--hop-length <n>', 'STFT hop in samples at 48 kHz (default 512)', number('hop-length', 64, 8192, true))
    .option('--window-frames <n>', 'frames per model window = model input width (default 128)', number('window-frames', 8, 4096, true))
    .option('--windows-per-clip <n>', 'random windows drawn from each training clip per epoch', number('windows-per-clip', 1, 1000, true))
    .option('--eq-augment <dB>', 'random smooth EQ (tilt/bend/wiggle, ± dB each) when augmenting (0: off)', number('eq-augment', 0, 40))
    .option('--ensemble <k>', 'train k models (seeds seed … seed+k−1) and export one ONNX file averaging their probabilities', number('ensemble', 1, 16, true))
    .option('--label-smoothing <eps>', 'label smoothing ε when augmenting (0: off)', number('label-smoothing', 0, 0.5))
    .option('--keep-last', 'keep the last epoch\'s weights instead of the best validation epoch\'s (honest held-out figures)')
    .option('--pretrained <dir|name>', 'transfer learning from pretrained weights: a folder, or efficientat_mn04 (looked up in --pretrained-root, $NOISE_CLASSIFIER_PRETRAINED, ../shared/pretrained; never downloaded); the front end becomes the weights\' own. The bundled model: frozen mn04 + head on ../shared/datasets, 56 s, 82% on held-out real clips of the 10 original labels (from-scratch cnn_small: 61%)')
    .option('--pretrained-root <dir>', 'folder holding pretrained weights folders (searched first for --pretrained <name>)')
    .option('--freeze-backbone', 'pretrained: keep the backbone frozen and train only the head on embeddings computed once (the default)')
    .option('--no-freeze-backbone', 'pretrained: after training the head on frozen embeddings, fine-tune the whole network (SpecAugment, mixup, early stopping, checkpoints)')
    .option('--backbone-lr-scale <f>', 'pretrained fine-tuning: learning rate = --learning-rate × f', number('backbone-lr-scale', 1e-4, 10), 0.1)
    .option('--fine-tune-epochs <n>', 'pretrained fine-tuning epochs after the head', number('fine-tune-epochs', 1, 100000, true), 10)
    .option('--freeze-batch-norm', 'pretrained fine-tuning: keep every batch norm as pretrained (moving statistics, fixed scale and shift)')
    .option('--crops <n>', 'pretrained: extra random augmented windows per clip embedded for the head (more head-training data)', number('crops', 0, 1000, true), 0)
    .option('--head-input <kind>', 'pretrained: the head reads the pooled embedding (embedding) or it plus the 527 AudioSet scores (embedding+audioset)', 'embedding')
    .option('--out <dir>', 'output folder', 'training-output')
    .action(async (options: TrainCommandOptions) => {
      const summary = await runTrain(options, io);
      io.stdout(`${JSON.stringify({ out_dir: summary.outDir, onnx: summary.onnxPath, labels: summary.labels, epochs: summary.epochs, best_epoch: summary.bestEpoch, seconds: Math.round(summary.seconds), backend: summary.backend, engine: summary.engine, ...(summary.validation ? { validation: { accuracy: summary.validation.accuracy, macro_f1: summary.validation.macroF1, clips: summary.validation.clips } } : {}) })}\n`);
    });
}

const defaultIo: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

function nodeFiles(): DatasetFileAccess {
  return {
    readFile: async (location) => new Uint8Array(await readFile(location)),
    listDirectory: async (location) => (await readdir(location, { withFileTypes: true })).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
  };
}

function directoryCache(dir: string): FeatureCacheStore {
  let made: Promise<unknown> | undefined;
  return {
    async get(key) {
      try {
        return new Uint8Array(await readFile(join(dir, `${key}.bin`)));
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      await (made ??= mkdir(dir, { recursive: true }));
      await writeFileAtomic(join(dir, `${key}.bin`), value);
    },
  };
}

function directoryCheckpointStore(dir: string): CheckpointStore {
  let made: Promise<unknown> | undefined;
  return {
    async writeFileAtomic(name, bytes) {
      await (made ??= mkdir(dir, { recursive: true }));
      await writeFileAtomic(join(dir, name), bytes);
    },
    async readFile(name) {
      try {
        return new Uint8Array(await readFile(join(dir, name)));
      } catch {
        return undefined;
      }
    },
  };
}

function parseClassWeights(text: string): ClassWeighting {
  if (text === 'none' || text === 'balanced') return text;
  return text.split(',').map(Number);
}

/** A progress bar on stderr: epoch, step, loss, accuracy, ETA. */
function progressPrinter(write: (text: string) => void, tty: boolean, quiet: boolean): (p: TrainingProgress) => void {
  let last = 0;
  return (p) => {
    if (quiet) return;
    const now = Date.now();
    if (p.phase === 'train' && p.step !== p.steps && now - last < 250) return;
    last = now;
    const width = 24;
    const done = Math.round((p.step / p.steps) * width);
    const eta = p.etaSeconds >= 60 ? `${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s` : `${Math.round(p.etaSeconds)}s`;
    const line = `epoch ${p.epoch}/${p.epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} acc ${(p.accuracy * 100).toFixed(1)}% ETA ${eta}${p.phase === 'validate' ? ' validating…' : ''}`;
    write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
}

async function loadData(locations: readonly string[], options: { files: DatasetFileAccess; cache: FeatureCacheStore; featureConfig: AudioFeatureConfig }): Promise<NoiseDataset> {
  const parts: NoiseDataset[] = [];
  for (const location of locations) {
    const path = resolve(location);
    parts.push(path.toLowerCase().endsWith('.csv')
      ? await NoiseDataset.fromManifest(path, options)
      : await NoiseDataset.fromDirectory(path, options));
  }
  if (parts.length === 1) return parts[0]!;
  return new NoiseDataset(
    parts.flatMap((p) => p.sources),
    parts.flatMap((p) => p.labelIndices.map((l) => p.labels[l]!)),
    { ...options, folds: parts.flatMap((p) => p.folds) },
  );
}

export async function runTrain(options: TrainCommandOptions, io: CliIo = defaultIo): Promise<TrainCommandSummary> {
  const tty = io.stderr === defaultIo.stderr && process.stderr.isTTY === true;
  const started = Date.now();
  const outDir = resolve(options.out);
  await mkdir(outDir, { recursive: true });
  const files = nodeFiles();
  const cache = directoryCache(resolve(options.cache ?? join(outDir, 'feature-cache')));
  // Pretrained weights fix the front end (their own preset); only the window width is ours to choose.
  const backbone = options.pretrained === undefined ? undefined : await loadBackbone(options);
  const featureConfig = backbone?.featureConfig ?? createAudioFeatureConfig({
    ...(options.nMels === undefined ? {} : { nMels: options.nMels, spectrogramHeight: options.nMels, nMfcc: Math.min(40, options.nMels) }),
    ...(options.hopLength === undefined ? {} : { hopLength: options.hopLength }),
    ...(options.windowFrames === undefined ? {} : { spectrogramWidth: options.windowFrames }),
  });
  const log = (s: string) => {
    if (!options.quiet) io.stderr(`${s}\n`);
  };
  if (options.data.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'train needs training data', { field: '--data', expected: 'a manifest.csv (file,label[,fold]) or a folder with one sub-folder per class', received: 'nothing' });
  }
  if (options.valFold !== undefined && options.valSplit !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', 'Use either --val-fold or --val-split, not both', { field: '--val-fold', expected: 'one validation option', received: 'both' });
  }

  let all = await loadData(options.data, { files, cache, featureConfig });
  if (options.synthetic > 0) {
    // Synthetic clips get folds round-robin over the real folds, so a held-out fold holds some too.
    const folds = [...new Set(all.folds.filter((f): f is number => f !== undefined))].sort((a, b) => a - b);
    const clips = generateSyntheticSet({ kinds: SYNTHETIC_LABELLED, clipsPerKind: options.synthetic, seed: options.seed, durationSeconds: 5, sampleRate: 48_000 });
    const sources: DatasetSource[] = clips.map((c, i) => ({ samples: c.samples, sampleRate: c.sampleRate, name: `synthetic:${c.kind}#${i}` }));
    all = new NoiseDataset(
      [...all.sources, ...sources],
      [...all.labelIndices.map((l) => all.labels[l]!), ...clips.map((c) => c.label!)],
      { files, cache, featureConfig, folds: [...all.folds, ...clips.map((_, i) => (folds.length ? folds[i % folds.length] : undefined))] },
    );
  }
  if (options.excludeFold && options.excludeFold.length > 0) {
    const excluded = new Set(options.excludeFold);
    if (options.valFold !== undefined && excluded.has(options.valFold)) {
      throw new NoiseClassifierError('E_CONFIG', 'The validation fold is excluded', { field: '--exclude-fold', expected: `folds other than --val-fold ${options.valFold}`, received: options.excludeFold.join(', ') });
    }
    const kept = all.folds.map((f, i) => (f !== undefined && excluded.has(f) ? -1 : i)).filter((i) => i >= 0);
    log(`excluded fold(s) ${options.excludeFold.join(', ')}: ${all.length - kept.length} clips left out`);
    all = all.subset(kept);
  }
  // SpecAugment mask widths scale with the window: the defaults (12 of 128 bins, 16 of 128 frames) are the seed's.
  const augment = options.augment
    ? {
      freqMaskWidth: Math.max(1, Math.round((featureConfig.spectrogramHeight * 12) / 128)), timeMaskWidth: Math.max(1, Math.round((featureConfig.spectrogramWidth * 16) / 128)),
      ...(options.eqAugment ? { eqDb: options.eqAugment } : {}),
    }
    : false;
  let trainSet: NoiseDataset;
  let valSet: NoiseDataset | null = null;
  if (options.valFold !== undefined) {
    const split = all.splitByFold(options.valFold);
    trainSet = split.train.subset(split.train.sources.map((_, i) => i), { augment });
    valSet = split.val;
  } else if (options.valSplit !== undefined) {
    const split = all.stratifiedSplit(options.valSplit, options.seed);
    trainSet = split.train.subset(split.train.sources.map((_, i) => i), { augment });
    valSet = split.val;
  } else {
    trainSet = all.subset(all.sources.map((_, i) => i), { augment });
  }
  log(`data: ${trainSet.length} training clips${valSet ? `, ${valSet.length} validation clips` : ''}, ${all.labels.length} classes (${all.labels.join(', ')})`);
  // Decode and cache every clip once up front, so the epoch timings (and ETA) measure training only.
  const t0 = Date.now();
  for (let i = 0; i < all.length; i++) {
    await all.getSpectrogram(i);
    if (!options.quiet && tty && (i % 25 === 0 || i === all.length - 1)) io.stderr(`\rfeatures ${i + 1}/${all.length}`);
  }
  log(`features: ${all.length} clips in ${((Date.now() - t0) / 1000).toFixed(1)} s (decoded ${all.stats.decoded}, cached ${all.stats.cacheHits})`);

  const tf = await loadTf();
  const trainingConfig = createTrainingConfig({
    numEpochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    weightDecay: options.weightDecay,
    earlyStoppingPatience: options.patience,
    device: 'auto',
    checkpointDir: join(outDir, 'checkpoint'),
    seed: options.seed,
    classWeighting: parseClassWeights(options.classWeights),
    mixupAlpha: options.augment ? options.mixup : 0,
  });
  // onnxruntime computes the gradients when it loads (native, multi-threaded); tfjs is the fallback.
  const engine = options.engine ?? ((await onnxRuntimeAvailable()) ? 'onnxruntime' : 'tfjs');
  const createGradientEngine = engine === 'onnxruntime'
    ? onnxRuntimeGradientEngine({ tf, ...(options.threads === undefined ? {} : { threads: options.threads }) })
    : undefined;
  if (engine === 'onnxruntime' && options.twoCores) log('--two-cores applies to the tfjs engine only; onnxruntime uses --threads');
  const members = options.ensemble ?? 1;
  const outcomes: (TrainOutcome | TrainPretrainedOutcome)[] = [];
  if (backbone && members > 1) {
    throw new NoiseClassifierError('E_CONFIG', '--ensemble does not combine with --pretrained (one backbone, one head)', {
      field: '--ensemble', expected: '1 with --pretrained', received: String(members),
    });
  }
  if (backbone) {
    outcomes.push(await trainPretrained(trainSet, valSet, trainingConfig, {
      tf,
      backbone,
      headInput: parseHeadInput(options.headInput ?? 'embedding'),
      headDropout: options.dropout,
      crops: options.crops ?? 0,
      // The frozen backbone runs on onnxruntime-node when it loads (same numbers as tfjs, ~20× faster here).
      ...(engine === 'onnxruntime' ? { embeddingBackend: onnxRuntimeNodeBackend } : {}),
      fineTune: options.freezeBackbone === false
        ? {
          epochs: options.fineTuneEpochs ?? 10,
          learningRate: options.learningRate * (options.backboneLrScale ?? 0.1),
          ...(options.freezeBatchNorm ? { freezeBatchNorm: true } : {}),
          checkpointStore: directoryCheckpointStore(join(outDir, 'checkpoint-fine-tune')),
          resume: options.resume,
          ...(options.windowsPerClip === undefined ? {} : { windowsPerClip: options.windowsPerClip }),
          ...(createGradientEngine ? { createGradientEngine } : {}),
        }
        : null,
      ...(options.keepLast ? { restoreBestWeights: false } : {}),
      ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
      onEmbedProgress: (done, total, phase) => {
        if (!options.quiet && (done === total || (tty && done % 25 === 0))) io.stderr(`${tty ? '\r' : ''}embedding ${phase} clips ${done}/${total}${tty && done !== total ? '' : '\n'}`);
      },
      onProgress: progressPrinter(io.stderr, tty, options.quiet === true),
      onEpochEnd: (e) => {
        if (!options.quiet) {
          io.stderr(`${tty ? '\r\x1b[K' : ''}epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAcc * 100).toFixed(1)}%` +
            `${Number.isFinite(e.valLoss) ? `, val loss ${e.valLoss.toFixed(4)} acc ${(e.valAcc * 100).toFixed(1)}%` : ''} (${e.seconds.toFixed(0)} s)${e.improved ? ' *' : ''}\n`);
        }
      },
    }));
  }
  for (let k = 0; k < (backbone ? 0 : members); k++) {
    if (members > 1) log(`ensemble member ${k + 1}/${members} (seed ${options.seed + k})`);
    const memberConfig = k === 0 ? trainingConfig : { ...trainingConfig, seed: options.seed + k, checkpointDir: join(outDir, `checkpoint-m${k + 1}`) };
    outcomes.push(await train(trainSet, valSet, memberConfig, {
      tf,
      modelConfig: { architecture: options.arch, dropout: options.dropout, stochasticDepthRate: 0.2 },
      checkpointStore: directoryCheckpointStore(memberConfig.checkpointDir),
      resume: options.resume,
      learningRateSchedule: options.lrSchedule === 'constant' ? 'constant' : 'cosine',
      ...(options.windowsPerClip === undefined ? {} : { windowsPerClip: options.windowsPerClip }),
      ...(options.keepLast ? { restoreBestWeights: false } : {}),
      ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
      ...(createGradientEngine ? { createGradientEngine } : {}),
      ...(options.twoCores && !createGradientEngine ? { createGradientHelper: (model: Parameters<typeof createWorkerGradientHelper>[0]) => createWorkerGradientHelper(model) } : {}),
      ...(options.maxEpochs === undefined ? {} : { maxEpochsThisCall: options.maxEpochs }),
      onProgress: progressPrinter(io.stderr, tty, options.quiet === true),
      onEpochEnd: (e) => {
        if (!options.quiet) {
          io.stderr(`${tty ? '\r\x1b[K' : ''}epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAcc * 100).toFixed(1)}%` +
            `${Number.isFinite(e.valLoss) ? `, val loss ${e.valLoss.toFixed(4)} acc ${(e.valAcc * 100).toFixed(1)}%` : ''} (${e.seconds.toFixed(0)} s)${e.improved ? ' *' : ''}\n`);
        }
      },
    }));
  }
  // Member 1 stands for the run (history, checkpoint, tfjs files); the ensemble averages the members' probabilities.
  const outcome = { ...outcomes[0]!, validationProbabilities: averageProbabilities(outcomes.map((o) => o.validationProbabilities)) };

  let evaluation;
  if (valSet && outcome.validationProbabilities.length > 0) {
    const predicted = outcome.validationProbabilities.map((p) => outcome.labels[p.indexOf(Math.max(...p))]!);
    const truths = valSet.labelIndices.map((l) => valSet!.labels[l]!);
    evaluation = computeClassificationMetrics(truths, predicted, { labels: outcome.labels });
  }
  const seconds = (Date.now() - started) / 1000;
  const command = `noise-classifier train ${process.argv.slice(3).join(' ')}`.trim();
  const trainingMetrics: Record<string, unknown> = {
    epochs: outcome.history.trainLoss.length,
    bestEpoch: outcome.bestEpoch,
    trainClips: trainSet.length,
    validation: evaluation
      ? { clips: evaluation.sampleCount, accuracy: evaluation.accuracy, macroF1: evaluation.macroF1, split: options.valFold !== undefined ? `fold ${options.valFold}` : `stratified ${options.valSplit}` }
      : 'none (trained on all data)',
    history: toWireHistory(outcome.history),
    seconds: Math.round(seconds),
    backend: outcome.backend,
    engine: outcome.engine,
    seed: options.seed,
    data: options.data.map((d) => d.replace(/^.*\/(shared\/datasets\/)/, '$1')),
    syntheticClipsPerClass: options.synthetic,
    ...(options.excludeFold && options.excludeFold.length > 0 ? { excludedFolds: options.excludeFold } : {}),
    ...(members > 1 ? { ensemble: members, memberBestEpochs: outcomes.map((o) => o.bestEpoch) } : {}),
    ...(options.windowsPerClip ? { windowsPerClip: options.windowsPerClip } : {}),
    ...(options.eqAugment ? { eqAugmentDb: options.eqAugment } : {}),
    ...(options.keepLast ? { weights: 'last epoch' } : {}),
    ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
    ...(backbone ? pretrainedSummary(backbone, outcomes[0] as TrainPretrainedOutcome, options) : {}),
  };
  const metadata = createModelMetadata({
    featureConfig: outcome.featureConfig ?? featureConfig,
    modelConfig: outcome.modelConfig,
    labels: outcome.labels,
    untrained: false,
    createdAt: new Date().toISOString(),
    trainingMetrics,
  });
  const onnxPath = join(outDir, 'model.onnx');
  await writeFileAtomic(onnxPath, backbone
    ? exportOnnx(outcome.model, metadata, { extraMetadata: pretrainedOnnxMetadata(backbone), extraOutputs: (outcome as TrainPretrainedOutcome).extraOutputs })
    : members > 1 ? exportOnnxEnsemble(outcomes.map((o) => o.model), metadata) : exportOnnx(outcome.model, metadata));
  // tfjs format holds one network: member k of an ensemble goes to model-tfjs-m<k> (k > 1), like its checkpoint.
  for (const [k, member] of outcomes.entries()) {
    const tfjsDir = join(outDir, k === 0 ? 'model-tfjs' : `model-tfjs-m${k + 1}`);
    await mkdir(tfjsDir, { recursive: true });
    const tfjsFiles = await saveTfjsModel(member.model, metadata, { tf });
    await writeFileAtomic(join(tfjsDir, 'model.json'), tfjsFiles.modelJson);
    await writeFileAtomic(join(tfjsDir, 'weights.bin'), tfjsFiles.weightsBin);
  }
  await writeFileAtomic(join(outDir, 'history.json'), `${JSON.stringify(toWireHistory(outcome.history), null, 2)}\n`);
  await writeFile(join(outDir, 'report.html'), trainingReportHtml({
    title: `Training report: ${backbone ? `${backbone.spec.name} transfer` : options.arch}`,
    history: outcome.history,
    ...(evaluation ? { evaluation } : {}),
    facts: {
      command,
      architecture: backbone ? `${backbone.spec.architecture} (pretrained ${backbone.weightsLocation}${options.freezeBackbone === false ? ', fine-tuned' : ', frozen'})` : options.arch,
      classes: outcome.labels.join(', '),
      'training clips': trainSet.length,
      'validation clips': valSet?.length ?? 0,
      epochs: `${outcome.history.trainLoss.length} (best ${outcome.bestEpoch}${outcome.stoppedEarly ? ', stopped early' : ''})`,
      backend: outcome.backend,
      'gradient engine': outcome.engine,
      'wall time': `${seconds.toFixed(0)} s`,
      ...(members > 1 ? { ensemble: `${members} models (seeds ${options.seed}–${options.seed + members - 1}), probabilities averaged; curves of member 1` } : {}),
    },
  }));
  if (evaluation) {
    await writeFile(join(outDir, 'evaluation.json'), `${JSON.stringify({
      accuracy: evaluation.accuracy, macro_f1: evaluation.macroF1, labels: evaluation.labels,
      confusion_matrix: evaluation.confusionMatrix, per_class: evaluation.perClass, clips: evaluation.sampleCount,
    }, null, 2)}\n`);
  }
  log(`wrote ${onnxPath}, ${join(outDir, 'model-tfjs')}/${members > 1 ? ` (members 2–${members}: model-tfjs-m<k>/)` : ''}, ${join(outDir, 'report.html')}${evaluation ? `; validation accuracy ${(evaluation.accuracy * 100).toFixed(1)}%, macro-F1 ${evaluation.macroF1.toFixed(3)}` : ''}`);
  outcomes.forEach((o) => o.model.dispose());
  return {
    outDir, onnxPath, labels: outcome.labels, epochs: outcome.history.trainLoss.length, bestEpoch: outcome.bestEpoch,
    seconds, backend: outcome.backend, engine: outcome.engine,
    ...(evaluation ? { validation: { accuracy: evaluation.accuracy, macroF1: evaluation.macroF1, clips: evaluation.sampleCount } } : {}),
  };
}

/** Element-wise mean of the members' per-clip probabilities (one member: its own). */
function averageProbabilities(members: readonly Float32Array[][]): Float32Array[] {
  if (members.length === 1) return members[0]!;
  return members[0]!.map((_, i) => {
    const mean = new Float32Array(members[0]![i]!.length);
    for (const m of members) m[i]!.forEach((p, j) => (mean[j]! += p / members.length));
    return mean;
  });
}

async function loadBackbone(options: TrainCommandOptions): Promise<PretrainedBackbone> {
  if (options.nMels !== undefined || options.hopLength !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', 'Pretrained weights come with their own front end: --n-mels and --hop-length cannot change it', {
      field: options.nMels !== undefined ? '--n-mels' : '--hop-length', expected: 'not set with --pretrained (only --window-frames may change)', received: String(options.nMels ?? options.hopLength),
    });
  }
  const { folder } = await resolvePretrainedLocation(options.pretrained!, {
    isDirectory: async (location) => (await stat(location).catch(() => null))?.isDirectory() === true,
    ...(options.pretrainedRoot === undefined ? {} : { root: resolve(options.pretrainedRoot) }),
    ...(process.env[PRETRAINED_ROOT_ENV] ? { envRoot: resolve(process.env[PRETRAINED_ROOT_ENV]!) } : {}),
    cwd: process.cwd(),
  });
  return loadPretrainedBackbone(folder, {
    tf: await loadTf(),
    readFile: async (location) => new Uint8Array(await readFile(location)),
    ...(options.windowFrames === undefined ? {} : { windowFrames: options.windowFrames }),
  });
}

function parseHeadInput(text: string): HeadInput {
  if (text === 'embedding' || text === 'embedding+audioset') return text;
  throw new NoiseClassifierError('E_CONFIG', 'Unknown --head-input', { field: '--head-input', expected: 'embedding or embedding+audioset', received: JSON.stringify(text) });
}

/** What the training summary in the model's metadata says about the pretrained start. */
function pretrainedSummary(backbone: PretrainedBackbone, outcome: TrainPretrainedOutcome, options: TrainCommandOptions): Record<string, unknown> {
  return {
    pretrained: {
      name: backbone.spec.name,
      weights: backbone.spec.weightsFile,
      mode: options.freezeBackbone === false ? 'head on frozen embeddings, then full fine-tuning' : 'frozen backbone, head trained on embeddings',
      headInput: options.headInput ?? 'embedding',
      crops: options.crops ?? 0,
      headWindows: outcome.headTraining.windows,
      embedSeconds: Math.round(outcome.headTraining.embedSeconds),
      ...(outcome.fineTuning ? { fineTuneEpochs: outcome.fineTuning.history.trainLoss.length, backboneLrScale: options.backboneLrScale ?? 0.1 } : {}),
      provenance: backbone.spec.provenance,
      license: backbone.spec.licence,
    },
  };
}

/** Provenance and licence of the pretrained weights, carried by every derived ONNX file. */
function pretrainedOnnxMetadata(backbone: PretrainedBackbone): Record<string, string> {
  return { ...EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, pretrained_backbone: backbone.spec.name };
}
