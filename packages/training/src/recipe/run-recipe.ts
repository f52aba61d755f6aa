import { NoiseClassifierError, createModelConfig, createTrainingConfig, type TrainingConfig } from '@noise-classifier/config';
import {
  EFFICIENTAT_MN04_WEIGHTS_PROVENANCE,
  createModelMetadata,
  exportOnnx,
  exportOnnxEnsemble,
  loadTf,
  saveTfjsModel,
  type ExportOnnxOptions,
} from '@noise-classifier/models';
import { computeClassificationMetrics, toWireHistory, type EvaluationReport, type NoiseDataset } from '@noise-classifier/pipelines';
import type { EpochSummary } from '../trainer';
import { trainModel, type TrainOutcome } from '../train';
import { trainPretrained, type TrainPretrainedOutcome } from '../pretrained/train-pretrained';
import { trainingReportHtml } from '../training-report';
import type { TrainedRun, TrainingData, TrainingRecipe, TrainRunOptions } from './training-recipe';

/**
 * The one training entry point: runs a recipe (from scratch, an ensemble, or a pretrained backbone with an
 * optional fine-tuning stage) and returns the self-describing ONNX model, its metadata, the history and an HTML
 * report. The CLI, the server's jobs and `NoiseClassifierService.train` all come through here.
 */
export async function train(recipe: TrainingRecipe, options: TrainRunOptions = {}): Promise<TrainedRun> {
  const { platform = {}, signal } = options;
  signal?.throwIfAborted();
  const started = Date.now();
  const tf = platform.tf ?? (await loadTf());
  const trainingConfig = createTrainingConfig(recipe.config ?? {});
  const validation = recipe.validation ?? null;
  const onEpochEnd = async (summary: EpochSummary) => {
    await options.onEpochEnd?.(summary);
    signal?.throwIfAborted();
  };
  const shared = {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    onEpochEnd,
    ...(recipe.restoreBestWeights === false ? { restoreBestWeights: false } : {}),
    ...(recipe.labelSmoothing ? { labelSmoothing: recipe.labelSmoothing } : {}),
  };
  const outcomes: (TrainOutcome | TrainPretrainedOutcome)[] = [];
  const pretrained = recipe.pretrained;
  if (pretrained && !(isDataset(recipe.train) && (validation === null || isDataset(validation)))) {
    throw new NoiseClassifierError('E_CONFIG', 'Transfer learning embeds whole clips: its data must be datasets', {
      field: 'recipe.train', expected: 'NoiseDataset training (and validation) data with the backbone\'s front end', received: 'window sources or examples',
    });
  }
  if (pretrained) {
    const { fineTune, ...head } = pretrained;
    outcomes.push(await trainPretrained(recipe.train as NoiseDataset, validation as NoiseDataset | null, trainingConfig, {
      tf,
      ...head,
      ...shared,
      ...(platform.embeddingBackend ? { embeddingBackend: platform.embeddingBackend } : {}),
      ...(options.onEmbedProgress ? { onEmbedProgress: options.onEmbedProgress } : {}),
      fineTune: fineTune
        ? {
          ...fineTune,
          resume: recipe.resume ?? true,
          ...(platform.checkpointStore ? { checkpointStore: platform.checkpointStore('checkpoint-fine-tune') } : {}),
          ...(recipe.windowsPerClip === undefined ? {} : { windowsPerClip: recipe.windowsPerClip }),
          ...(platform.createGradientEngine ? { createGradientEngine: platform.createGradientEngine } : {}),
        }
        : null,
    }));
  }
  if (pretrained && (recipe.ensemble ?? 1) > 1) {
    throw new NoiseClassifierError('E_CONFIG', 'An ensemble (train --ensemble) does not combine with a pretrained backbone: one backbone, one head', {
      field: 'ensemble', expected: '1 with a pretrained backbone', received: String(recipe.ensemble),
    });
  }
  if (recipe.initialModel && (pretrained || (recipe.ensemble ?? 1) > 1)) {
    throw new NoiseClassifierError('E_CONFIG', 'A given model (recipe.initialModel) trains alone: not with a pretrained backbone or an ensemble', {
      field: 'recipe.initialModel', expected: 'no pretrained backbone and ensemble 1', received: pretrained ? 'a pretrained backbone' : `ensemble ${recipe.ensemble}`,
    });
  }
  const members = pretrained ? 0 : recipe.ensemble ?? 1;
  for (let k = 0; k < members; k++) {
    const memberConfig: TrainingConfig = k === 0 ? trainingConfig : { ...trainingConfig, seed: trainingConfig.seed + k };
    outcomes.push(await trainModel(recipe.train, validation, memberConfig, {
      tf,
      ...shared,
      modelConfig: { architecture: 'cnn_small', ...recipe.model },
      ...(recipe.initialModel ? { model: recipe.initialModel } : {}),
      resume: recipe.resume ?? true,
      ...(platform.checkpointStore ? { checkpointStore: platform.checkpointStore(k === 0 ? 'checkpoint' : `checkpoint-m${k + 1}`) } : {}),
      ...(recipe.learningRateSchedule ? { learningRateSchedule: recipe.learningRateSchedule } : {}),
      ...(recipe.windowsPerClip === undefined ? {} : { windowsPerClip: recipe.windowsPerClip }),
      ...(recipe.maxEpochsThisCall === undefined ? {} : { maxEpochsThisCall: recipe.maxEpochsThisCall }),
      ...(platform.createGradientEngine ? { createGradientEngine: platform.createGradientEngine } : {}),
    }));
  }
  const [first] = outcomes;
  if (!first) throw new RangeError(`recipe.ensemble must be at least 1, received ${recipe.ensemble}`);
  const evaluation = evaluateValidation(validation, first.labels, outcomes.map((o) => o.validationProbabilities));
  const seconds = (Date.now() - started) / 1000;
  const featureConfig = first.featureConfig ?? recipe.featureConfig ?? {};
  const modelConfig = createModelConfig(first.modelConfig);
  const trainingMetrics: Record<string, unknown> = {
    epochs: first.history.trainLoss.length,
    bestEpoch: first.bestEpoch,
    ...(hasLength(recipe.train) ? { trainClips: recipe.train.length } : {}),
    validation: evaluation ? { clips: evaluation.sampleCount, accuracy: evaluation.accuracy, macroF1: evaluation.macroF1 } : 'none',
    history: toWireHistory(first.history),
    seconds: Math.round(seconds),
    backend: first.backend,
    engine: first.engine,
    seed: trainingConfig.seed,
    ...(outcomes.length > 1 ? { ensemble: outcomes.length, memberBestEpochs: outcomes.map((o) => o.bestEpoch) } : {}),
    ...(recipe.windowsPerClip ? { windowsPerClip: recipe.windowsPerClip } : {}),
    ...(recipe.restoreBestWeights === false ? { weights: 'last epoch' } : {}),
    ...(recipe.labelSmoothing ? { labelSmoothing: recipe.labelSmoothing } : {}),
    ...(pretrained ? pretrainedSummary(pretrained, first as TrainPretrainedOutcome) : {}),
    ...recipe.summary,
  };
  const metadata = createModelMetadata({
    featureConfig,
    modelConfig,
    labels: first.labels,
    untrained: false,
    createdAt: recipe.createdAt ?? new Date().toISOString(),
    trainingMetrics,
  });
  const exportOptions: ExportOnnxOptions = pretrained
    ? { extraMetadata: { ...EFFICIENTAT_MN04_WEIGHTS_PROVENANCE, pretrained_backbone: pretrained.backbone.spec.name }, extraOutputs: (first as TrainPretrainedOutcome).extraOutputs }
    : {};
  const models = outcomes.map((o) => o.model);
  const onnx = models.length > 1 ? exportOnnxEnsemble(models, metadata) : exportOnnx(first.model, metadata, exportOptions);
  const architecture = pretrained
    ? `${pretrained.backbone.spec.architecture} (pretrained ${pretrained.backbone.weightsLocation}${pretrained.fineTune ? ', fine-tuned' : ', frozen'})`
    : modelConfig.architecture;
  const report = trainingReportHtml({
    title: `Training report: ${pretrained ? `${pretrained.backbone.spec.name} transfer` : modelConfig.architecture}`,
    history: first.history,
    ...(evaluation ? { evaluation } : {}),
    facts: {
      architecture,
      classes: first.labels.join(', '),
      ...(hasLength(recipe.train) ? { 'training clips': recipe.train.length } : {}),
      'validation clips': evaluation?.sampleCount ?? 0,
      epochs: `${first.history.trainLoss.length} (best ${first.bestEpoch}${first.stoppedEarly ? ', stopped early' : ''})`,
      backend: first.backend,
      'gradient engine': first.engine,
      'wall time': `${seconds.toFixed(0)} s`,
      ...(outcomes.length > 1 ? { ensemble: `${outcomes.length} models (seeds ${trainingConfig.seed}–${trainingConfig.seed + outcomes.length - 1}), probabilities averaged; curves of member 1` } : {}),
      ...recipe.reportFacts,
    },
  });
  return {
    onnx, metadata, exportOptions, report, models, labels: first.labels,
    history: first.history, bestEpoch: first.bestEpoch, epochsRun: first.epochsRun, stoppedEarly: first.stoppedEarly,
    resumedFromEpoch: first.resumedFromEpoch, backend: first.backend, engine: first.engine, seconds,
    members: outcomes.map(({ history, bestEpoch, epochsRun, stoppedEarly, resumedFromEpoch, backend, engine, seconds: s }) => ({ history, bestEpoch, epochsRun, stoppedEarly, resumedFromEpoch, backend, engine, seconds: s })),
    ...(evaluation ? { evaluation } : {}),
    tfjsFiles: () => Promise.all(models.map((m) => saveTfjsModel(m, metadata, { tf }))),
    dispose: () => models.forEach((m) => m.dispose()),
  };
}

/** A NoiseDataset by its shape (instanceof fails across an ESM and a CommonJS copy of pipelines). */
function isDataset(data: TrainingData): data is NoiseDataset {
  return typeof (data as Partial<NoiseDataset>).getSpectrogram === 'function' && Array.isArray((data as Partial<NoiseDataset>).sources);
}

function hasLength(data: TrainingData): data is TrainingData & { readonly length: number } {
  return typeof (data as { length?: unknown }).length === 'number';
}

/** Clip-level metrics of the (ensemble-averaged) validation probabilities, when the validation data names labels. */
function evaluateValidation(validation: TrainingData | null, labels: readonly string[], members: readonly Float32Array[][]): EvaluationReport | undefined {
  const probabilities = averageProbabilities(members);
  if (!validation || probabilities.length === 0 || !('labelIndices' in validation)) return undefined;
  const truths = validation.labelIndices.map((l) => validation.labels[l] ?? String(l));
  const predicted = probabilities.map((p) => labels[p.indexOf(Math.max(...p))] ?? '');
  return computeClassificationMetrics(truths, predicted, { labels });
}

/** Element-wise mean of the members' per-clip probabilities (one member: its own). */
function averageProbabilities(members: readonly Float32Array[][]): Float32Array[] {
  const [first] = members;
  if (!first || members.length === 1) return first ?? [];
  return first.map((clip, i) => {
    const mean = new Float32Array(clip.length);
    for (const member of members) member[i]?.forEach((p, j) => (mean[j] = (mean[j] ?? 0) + p / members.length));
    return mean;
  });
}

/** What the training summary in the model's metadata says about the pretrained start. */
function pretrainedSummary(pretrained: NonNullable<TrainingRecipe['pretrained']>, outcome: TrainPretrainedOutcome): Record<string, unknown> {
  const { spec } = pretrained.backbone;
  return {
    pretrained: {
      name: spec.name,
      weights: spec.weightsFile,
      mode: pretrained.fineTune ? 'head on frozen embeddings, then full fine-tuning' : 'frozen backbone, head trained on embeddings',
      headInput: pretrained.headInput ?? 'embedding',
      headFit: pretrained.headFit ?? 'logistic',
      ...((pretrained.headFit ?? 'logistic') === 'logistic' ? { headL2: pretrained.headL2 ?? 1e-2 } : {}),
      crops: pretrained.crops ?? 0,
      headWindows: outcome.headTraining.windows,
      embedSeconds: Math.round(outcome.headTraining.embedSeconds),
      ...(outcome.fineTuning ? { fineTuneEpochs: outcome.fineTuning.history.trainLoss.length } : {}),
      provenance: spec.provenance,
      license: spec.licence,
    },
  };
}
