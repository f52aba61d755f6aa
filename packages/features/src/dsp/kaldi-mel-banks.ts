const f32 = Math.fround;
const KALDI_MEL = 1127;
const KALDI_BREAK_HZ = 700;

export interface KaldiMelBankOptions {
  /** One-sided bins of the transform, nFft / 2 + 1 (nFft even). */
  readonly nFreqs: number;
  readonly nMels: number;
  readonly sampleRate: number;
  readonly fMin: number;
  readonly fMax: number;
}

/** Kaldi's mel scale on a float32 tensor: 1127 · ln(1 + f / 700), one float32 rounding per torch operation. */
function kaldiMel32(hz: number): number {
  return f32(KALDI_MEL * f32(Math.log(f32(1 + f32(hz / KALDI_BREAK_HZ)))));
}

/** The band edges in mel: band m spans [edge(m), edge(m + 2)] and peaks at edge(m + 1). */
function melEdges(options: KaldiMelBankOptions): Float32Array {
  // Python floats (float64) for the ends and the step, as get_mel_banks computes them with math.log.
  const low = KALDI_MEL * Math.log(1 + options.fMin / KALDI_BREAK_HZ);
  const high = KALDI_MEL * Math.log(1 + options.fMax / KALDI_BREAK_HZ);
  const delta = f32((high - low) / (options.nMels + 1));
  const lowF32 = f32(low);
  // low + b · delta with b an integer tensor: the product and the sum are float32 tensor operations.
  return Float32Array.from({ length: options.nMels + 2 }, (_, i) => f32(f32(i * delta) + lowF32));
}

/**
 * torchaudio.compliance.kaldi.get_mel_banks(nMels, nFft, sampleRate, fMin, fMax, vtln_warp_factor=1) followed by
 * a zero column for the Nyquist bin (what EfficientAT feeds its STFT power through), as a dense
 * [nFreqs × nMels] row-major matrix in torch's float32 arithmetic: triangles in Kaldi mel over the bins
 * k · sampleRate / nFft for k < nFft / 2.
 */
export function kaldiMelBanksDense(options: KaldiMelBankOptions): Float32Array {
  const { nFreqs, nMels, sampleRate } = options;
  const fb = new Float32Array(nFreqs * nMels);
  const edges = melEdges(options); // nMels + 2 points
  const binWidth = f32(sampleRate / (2 * (nFreqs - 1)));
  for (let k = 0; k < nFreqs - 1; k++) {
    const mel = kaldiMel32(f32(binWidth * k));
    for (let m = 0; m < nMels; m++) {
      const left = edges[m]!;
      const center = edges[m + 1]!;
      const right = edges[m + 2]!;
      const up = f32(f32(mel - left) / f32(center - left));
      const down = f32(f32(right - mel) / f32(right - center));
      fb[k * nMels + m] = Math.max(0, Math.min(up, down));
    }
  }
  return fb;
}

/** Band edges and centres in Hz (nMels + 2 points), like torchaudio's f_pts for the other scales. */
export function kaldiMelPointsHz(options: KaldiMelBankOptions): Float32Array {
  return melEdges(options).map((mel) => KALDI_BREAK_HZ * (Math.exp(mel / KALDI_MEL) - 1));
}
