import { expectNumberArray, expectObject } from './classification-wire';

/** Per-epoch training curves (the seed's `train()` return value, camelCase). */
export interface TrainingHistory {
  trainLoss: number[];
  trainAcc: number[];
  valLoss: number[];
  valAcc: number[];
}

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
