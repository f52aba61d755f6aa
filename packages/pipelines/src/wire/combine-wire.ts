/** How `combine` chose the combiner's two numbers, as the combined model's metadata records it (a type: metadata takes records). */
export type WireCombinerCalibration = {
  calibration: string;
  calibration_loss?: number;
  calibration_held_out_top1?: number;
};

/** `fit` is the calibration's outcome (`fitAudioSetCombiner`); absent when the numbers were given. */
export function toWireCombinerCalibration(calibration: {
  readonly description: string;
  readonly fit?: { readonly loss: number; readonly heldOutTop1: number };
}): WireCombinerCalibration {
  const { description, fit } = calibration;
  return fit ? { calibration: description, calibration_loss: fit.loss, calibration_held_out_top1: fit.heldOutTop1 } : { calibration: description };
}
