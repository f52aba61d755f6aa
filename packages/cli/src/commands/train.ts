import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NoiseClassifierError, createAudioFeatureConfig, toSnakeCaseKeys, type ClassWeighting } from '@noise-classifier/config';
import { toWireEvaluation, toWireHistory } from '@noise-classifier/pipelines';
import { createDirectoryCacheStore, nodeDatasetFiles } from '@noise-classifier/pipelines/node';
import { augmentationFor, loadTrainingData, splitForTraining, train, withSyntheticClips, withoutFolds, type HeadInput, type TrainingRecipe } from '@noise-classifier/training';
import { loadPretrainedFromDisk, nodeTrainingPlatform } from '@noise-classifier/training/node';
import { writeFileAtomic } from '@noise-classifier/runtime-node';
import type { Command } from 'commander';
import type { CliIo, CommandModule } from './command-module';
import { addTrainOptions, type TrainCommandOptions } from './train-options';
import { epochLine, progressPrinter } from './train-progress';

export type { TrainCommandOptions } from './train-options';

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

/** `noise-classifier train`: trains a model on a manifest or class folders, writes checkpoint, ONNX and a report. */
export const trainCommand: CommandModule = {
  name: 'train',
  register: (program, io) => void registerTrainCommand(program, io),
};

export function registerTrainCommand(program: Command, io: CliIo = defaultIo): Command {
  const command = program.command('train').description('Train a model on labelled audio (manifest.csv with file,label[,fold], or one folder per class)');
  return addTrainOptions(command).action(async (options: TrainCommandOptions) => {
    const { onnxPath: onnx, seconds, validation, ...s } = await runTrain(options, io);
    io.stdout(`${JSON.stringify(toSnakeCaseKeys({ ...s, onnx, seconds: Math.round(seconds), ...(validation ? { validation: toSnakeCaseKeys(validation) } : {}) }))}\n`);
  });
}

const defaultIo: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

/** Reads the data, builds the recipe from the flags, runs the shared `train`, writes its files into --out. */
export async function runTrain(options: TrainCommandOptions, io: CliIo = defaultIo): Promise<TrainCommandSummary> {
  const tty = io.stderr === defaultIo.stderr && process.stderr.isTTY === true;
  const log = (s: string) => void (options.quiet ? undefined : io.stderr(`${s}\n`));
  const outDir = resolve(options.out);
  await mkdir(outDir, { recursive: true });
  if (options.pretrained !== undefined && (options.nMels !== undefined || options.hopLength !== undefined)) {
    throw new NoiseClassifierError('E_CONFIG', 'Pretrained weights come with their own front end: --n-mels and --hop-length cannot change it', {
      field: options.nMels !== undefined ? '--n-mels' : '--hop-length', expected: 'not set with --pretrained (only --window-frames may change)', received: String(options.nMels ?? options.hopLength),
    });
  }
  // Pretrained weights fix the front end (their own preset); only the window width is ours to choose.
  const backbone = options.pretrained === undefined ? undefined
    : await loadPretrainedFromDisk(options.pretrained, { ...(options.pretrainedRoot === undefined ? {} : { root: options.pretrainedRoot }), ...(options.windowFrames === undefined ? {} : { windowFrames: options.windowFrames }) });
  const featureConfig = backbone?.featureConfig ?? createAudioFeatureConfig({
    ...(options.nMels === undefined ? {} : { nMels: options.nMels, spectrogramHeight: options.nMels, nMfcc: Math.min(40, options.nMels) }),
    ...(options.hopLength === undefined ? {} : { hopLength: options.hopLength }),
    ...(options.windowFrames === undefined ? {} : { spectrogramWidth: options.windowFrames }),
  });
  const dataOptions = { files: nodeDatasetFiles, cache: createDirectoryCacheStore(resolve(options.cache ?? join(outDir, 'feature-cache'))), featureConfig };
  const loaded = await loadTrainingData(options.data.map((d) => resolve(d)), dataOptions);
  const all = withoutFolds(withSyntheticClips(loaded, options.synthetic, options.seed, dataOptions), options.excludeFold ?? [], options.valFold);
  const { train: trainSet, validation } = splitForTraining(all, {
    ...(options.valFold === undefined ? {} : { validationFold: options.valFold }),
    ...(options.valSplit === undefined ? {} : { validationShare: options.valSplit }),
    seed: options.seed,
    augment: options.augment ? augmentationFor(featureConfig, options.eqAugment) : false,
  });
  log(`data: ${trainSet.length} training clips${validation ? `, ${validation.length} validation clips` : ''}, ${all.labels.length} classes (${all.labels.join(', ')})`);
  // Decode and cache every clip once up front, so the epoch timings (and ETA) measure training only.
  const t0 = Date.now();
  for (let i = 0; i < all.length; i++) await all.getSpectrogram(i);
  log(`features: ${all.length} clips in ${((Date.now() - t0) / 1000).toFixed(1)} s (decoded ${all.stats.decoded}, cached ${all.stats.cacheHits})`);

  const platform = await nodeTrainingPlatform({ checkpointDir: outDir, ...(options.engine ? { engine: options.engine } : {}), ...(options.threads === undefined ? {} : { threads: options.threads }) });
  const command = `noise-classifier train ${process.argv.slice(3).join(' ')}`.trim();
  const recipe: TrainingRecipe = {
    train: trainSet,
    validation,
    featureConfig,
    config: {
      numEpochs: options.epochs, batchSize: options.batchSize, learningRate: options.learningRate, weightDecay: options.weightDecay,
      earlyStoppingPatience: options.patience, device: 'auto', seed: options.seed, classWeighting: parseClassWeights(options.classWeights), mixupAlpha: options.augment ? options.mixup : 0,
    },
    model: { architecture: options.arch, dropout: options.dropout, stochasticDepthRate: 0.2 },
    ...(backbone ? { pretrained: {
      backbone, headInput: parseHeadInput(options.headInput ?? 'embedding'), headFit: options.headFit ?? 'logistic', headL2: options.headL2 ?? 1e-2,
      headDropout: options.dropout, crops: options.crops ?? 0,
      fineTune: options.freezeBackbone === false ? { epochs: options.fineTuneEpochs ?? 10, learningRate: options.learningRate * (options.backboneLrScale ?? 0.1), freezeBatchNorm: options.freezeBatchNorm === true } : null,
    } } : {}),
    ensemble: options.ensemble ?? 1,
    learningRateSchedule: options.lrSchedule === 'constant' ? 'constant' : 'cosine',
    resume: options.resume,
    ...(options.maxEpochs === undefined ? {} : { maxEpochsThisCall: options.maxEpochs }),
    ...(options.windowsPerClip === undefined ? {} : { windowsPerClip: options.windowsPerClip }),
    ...(options.keepLast ? { restoreBestWeights: false } : {}),
    ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
    summary: {
      validationSplit: options.valFold !== undefined ? `fold ${options.valFold}` : options.valSplit !== undefined ? `stratified ${options.valSplit}` : 'none (trained on all data)',
      data: options.data.map((d) => d.replace(/^.*\/(shared\/datasets\/)/, '$1')),
      syntheticClipsPerClass: options.synthetic,
      ...(options.excludeFold && options.excludeFold.length > 0 ? { excludedFolds: options.excludeFold } : {}),
      ...(options.eqAugment ? { eqAugmentDb: options.eqAugment } : {}),
    },
    reportFacts: { command },
  };
  const run = await train(recipe, {
    platform,
    onProgress: progressPrinter(io.stderr, tty, options.quiet === true),
    onEpochEnd: (e) => void (options.quiet ? undefined : io.stderr(epochLine(e, tty))),
    onEmbedProgress: (done, total, phase) => {
      if (!options.quiet && (done === total || (tty && done % 25 === 0))) io.stderr(`${tty ? '\r' : ''}embedding ${phase} clips ${done}/${total}${tty && done !== total ? '' : '\n'}`);
    },
  });
  try {
    const onnxPath = join(outDir, 'model.onnx');
    await writeFileAtomic(onnxPath, run.onnx);
    // tfjs format holds one network: member k of an ensemble goes to model-tfjs-m<k> (k > 1), like its checkpoint.
    for (const [k, files] of (await run.tfjsFiles()).entries()) {
      const tfjsDir = join(outDir, k === 0 ? 'model-tfjs' : `model-tfjs-m${k + 1}`);
      await mkdir(tfjsDir, { recursive: true });
      await writeFileAtomic(join(tfjsDir, 'model.json'), files.modelJson);
      await writeFileAtomic(join(tfjsDir, 'weights.bin'), files.weightsBin);
    }
    await writeFileAtomic(join(outDir, 'history.json'), `${JSON.stringify(toWireHistory(run.history), null, 2)}\n`);
    await writeFile(join(outDir, 'report.html'), run.report);
    const { evaluation } = run;
    if (evaluation) await writeFile(join(outDir, 'evaluation.json'), `${JSON.stringify(toWireEvaluation(evaluation), null, 2)}\n`);
    log(`wrote ${onnxPath}, ${join(outDir, 'model-tfjs')}/, ${join(outDir, 'report.html')}${evaluation ? `; validation accuracy ${(evaluation.accuracy * 100).toFixed(1)}%, macro-F1 ${evaluation.macroF1.toFixed(3)}` : ''}`);
    return {
      outDir, onnxPath, labels: run.labels, epochs: run.history.trainLoss.length, bestEpoch: run.bestEpoch, seconds: run.seconds, backend: run.backend, engine: run.engine,
      ...(evaluation ? { validation: { accuracy: evaluation.accuracy, macroF1: evaluation.macroF1, clips: evaluation.sampleCount } } : {}),
    };
  } finally {
    run.dispose();
  }
}

function parseClassWeights(text: string): ClassWeighting {
  return text === 'none' || text === 'balanced' ? text : text.split(',').map(Number);
}

function parseHeadInput(text: string): HeadInput {
  if (text === 'embedding' || text === 'embedding+audioset') return text;
  throw new NoiseClassifierError('E_CONFIG', 'Unknown --head-input', { field: '--head-input', expected: 'embedding or embedding+audioset', received: JSON.stringify(text) });
}
