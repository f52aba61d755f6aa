const f32 = Math.fround;

/**
 * torch.hann_window(winLength, periodic), zero-padded to nFft and centred as torch.stft does
 * with a window shorter than n_fft (left pad = (nFft - winLength) // 2). Periodic (torch's default) divides
 * the circle into winLength steps; symmetric (periodic=False, EfficientAT) into winLength − 1, so both ends are 0.
 *
 * The values reproduce torch's float32 arithmetic step by step (arange · float32(2π / N), cos, · −0.5,
 * + 0.5, each rounded to float32) rather than the exact 0.5 − 0.5·cos(2πn/N): a one-ulp window
 * difference already moves bins 80 dB below a frame's peak by ~1e-3 relative, which the parity
 * tolerance (1e-4 down to 1e-8 of the clip maximum) would see.
 */
export function hannWindow(winLength: number, nFft: number = winLength, periodic = true): Float32Array {
  const window = new Float32Array(nFft);
  const left = Math.floor((nFft - winLength) / 2);
  const divisions = periodic ? winLength : winLength - 1;
  if (divisions === 0) {
    // torch.hann_window(1, periodic=False) is [1].
    window[left] = 1;
    return window;
  }
  const step = f32((Math.PI * 2) / divisions);
  for (let n = 0; n < winLength; n++) {
    const c = f32(Math.cos(f32(n * step)));
    window[left + n] = f32(c * -0.5 + 0.5);
  }
  return window;
}
