/** Per-epoch training curves (the seed's `train()` return value, camelCase). */
export interface TrainingHistory {
  trainLoss: number[];
  trainAcc: number[];
  valLoss: number[];
  valAcc: number[];
}
