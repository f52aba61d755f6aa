import type { TrainingHistory } from '../core/training-history';
import { expectNumberArray, expectObject } from './classification-wire';

export type { TrainingHistory };

/** The seed's snake_case history. */
export interface WireTrainingHistory {
  train_loss: number[];
  train_acc: number[];
  val_loss: number[];
  val_acc: number[];
}

export function toWireHistory(history: TrainingHistory): WireTrainingHistory {
  return {
    train_loss: [...history.trainLoss],
    train_acc: [...history.trainAcc],
    val_loss: [...history.valLoss],
    val_acc: [...history.valAcc],
  };
}

export function fromWireHistory(input: unknown): TrainingHistory {
  const wire = expectObject(input, 'history');
  return {
    trainLoss: expectNumberArray(wire.train_loss, 'train_loss'),
    trainAcc: expectNumberArray(wire.train_acc, 'train_acc'),
    valLoss: expectNumberArray(wire.val_loss, 'val_loss'),
    valAcc: expectNumberArray(wire.val_acc, 'val_acc'),
  };
}

/** One finished epoch's figures as job progress reports them. */
export function toWireEpochMetrics(epoch: { readonly trainLoss: number; readonly trainAcc: number }): { train_loss: number; train_acc: number } {
  return { train_loss: epoch.trainLoss, train_acc: epoch.trainAcc };
}

/** Where a training run ended and what ran it, as a training job's result reports it. */
export type WireTrainingSummary = {
  best_epoch: number;
  stopped_early: boolean;
  backend: string;
  engine: string;
  seconds: number;
};

export function toWireTrainingSummary(run: { readonly bestEpoch: number; readonly stoppedEarly: boolean; readonly backend: string; readonly engine: string; readonly seconds: number }): WireTrainingSummary {
  return { best_epoch: run.bestEpoch, stopped_early: run.stoppedEarly, backend: run.backend, engine: run.engine, seconds: run.seconds };
}
