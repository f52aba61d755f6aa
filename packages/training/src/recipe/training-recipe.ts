import type { AudioFeatureConfig, ModelConfig, TrainingConfig } from '@noise-classifier/config';
import type { ExportOnnxOptions, InferenceBackend, ModelMetadata, TfjsModelFiles, TfModule } from '@noise-classifier/models';
import type { EvaluationReport, NoiseDataset, TrainingHistory } from '@noise-classifier/pipelines';
import type * as tfType from '@tensorflow/tfjs';
import type { CheckpointStore } from '../checkpoint';
import type { GradientEngineFactory } from '../gradient-engine';
import type { TrainPretrainedOptions } from '../pretrained/train-pretrained';
import type { TrainOptions } from '../train';
import type { EpochSummary, TrainingProgress, TrainingResult } from '../trainer';
import type { TrainingExamples, WindowSource } from '../window-source';

export type TrainingData = NoiseDataset | TrainingExamples | WindowSource;

/**
 * Transfer learning: a head on the frozen backbone's embeddings, then optionally fine-tuning all of it. The head
 * options mean what they mean in `trainPretrained` (which the recipe calls).
 */
export interface PretrainedRecipe extends Pick<TrainPretrainedOptions, 'backbone' | 'headInput' | 'headFit' | 'headL2' | 'headDropout' | 'crops'> {
  /** Fine-tune the whole network after the head (epochs, learning rate, batch norms kept as pretrained); omitted or null: the backbone stays frozen. */
  readonly fineTune?: { readonly epochs: number; readonly learningRate: number; readonly freezeBatchNorm?: boolean } | null;
}

/**
 * Everything that decides the trained weights: the data, the hyper-parameters, the architecture or pretrained
 * start. Same recipe, same seed, same engine → same weights, whichever front door (CLI, server job, service) runs it.
 */
export interface TrainingRecipe {
  readonly train: TrainingData;
  readonly validation?: TrainingData | null;
  /** TrainingConfig fields (epochs, batch size, learning rate, seed, class weighting, mixup…). */
  readonly config?: Partial<TrainingConfig> | Record<string, unknown>;
  /** Architecture, dropout… of the model built from scratch (labels come from the data). Default cnn_small. */
  readonly model?: Partial<ModelConfig> | Record<string, unknown>;
  /**
   * A tfjs model to train in place instead of building one from `model` (a caller's own network, e.g. the V2 API's
   * feature-vector MLP behind a 1×1×D window input). It reads the data's windows (NHWC) and outputs logits; the run
   * lists it in `models`, so `dispose()` releases it too. `model.architecture` names it in the metadata.
   * Not with `pretrained` or an ensemble.
   */
  readonly initialModel?: tfType.LayersModel;
  /** Train k members (seeds seed … seed+k−1) exported as one ONNX ensemble; default 1. Not with `pretrained`. */
  readonly ensemble?: number;
  readonly pretrained?: PretrainedRecipe;
  readonly learningRateSchedule?: TrainOptions['learningRateSchedule'];
  readonly windowsPerClip?: number;
  readonly labelSmoothing?: number;
  /** false: keep the last epoch's weights instead of the best validation epoch's. */
  readonly restoreBestWeights?: boolean;
  /** Continue from the checkpoint stores' last checkpoint when there is one (default true). */
  readonly resume?: boolean;
  /** Stop after this many epochs in this call (a later call with the same checkpoint stores resumes). */
  readonly maxEpochsThisCall?: number;
  /** Front end for the metadata when the data does not carry one (e.g. window sources). */
  readonly featureConfig?: AudioFeatureConfig;
  /** The metadata's creation time (default: now); fixed for reproducible files. */
  readonly createdAt?: string;
  /** Extra facts for the metadata's training summary and the report (e.g. the command line, the data's names). */
  readonly summary?: Readonly<Record<string, unknown>>;
  readonly reportFacts?: Readonly<Record<string, string | number>>;
}

/** Where the recipe runs: tfjs, gradients, checkpoints. `nodeTrainingPlatform()` (from `/node`) gives Node's. */
export interface TrainingPlatform {
  readonly tf?: TfModule;
  /** Computes gradients with another engine (Node: onnxruntime); default tfjs. */
  readonly createGradientEngine?: GradientEngineFactory;
  /** Runs the frozen pretrained backbone for embeddings (Node: onnxruntime-node); default tfjs. */
  readonly embeddingBackend?: InferenceBackend;
  /** A checkpoint store per stage: 'checkpoint', 'checkpoint-m<k>' (ensemble member k > 1), 'checkpoint-fine-tune'. */
  readonly checkpointStore?: (stage: string) => CheckpointStore;
}

export interface TrainRunOptions {
  readonly platform?: TrainingPlatform;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  readonly onEmbedProgress?: (done: number, total: number, phase: 'train' | 'validation') => void;
  /** Checked before training and after every epoch (the checkpoint is written first, so a later run resumes). */
  readonly signal?: AbortSignal;
}

/** A finished run: the ONNX file and what describes it. `dispose()` releases the in-process tfjs models. */
export interface TrainedRun extends Omit<TrainingResult, 'history'> {
  /** Self-describing ONNX model (labels, front end and training summary in its metadata). */
  readonly onnx: Uint8Array;
  readonly metadata: ModelMetadata;
  /** How `onnx` was exported from `models[0]` (extra outputs and metadata of a pretrained start). */
  readonly exportOptions: ExportOnnxOptions;
  readonly history: TrainingHistory;
  readonly labels: readonly string[];
  /** HTML training report (curves, confusion matrix, facts). */
  readonly report: string;
  /** Clip-level metrics on the validation data, when it was a labelled dataset. */
  readonly evaluation?: EvaluationReport;
  /** The trained tfjs models (one per ensemble member). */
  readonly models: readonly tfType.LayersModel[];
  /** Per-member training results (an ensemble's member 1 stands for the run). */
  readonly members: readonly TrainingResult[];
  /** tfjs-format files (model.json + weights.bin) of every member. */
  tfjsFiles(): Promise<TfjsModelFiles[]>;
  dispose(): void;
}
