import type { MelScale } from '@noise-classifier/config';

// torchaudio.functional._hz_to_mel / _mel_to_hz (0.13), in float64; 'kaldi': torchaudio.compliance.kaldi's
// mel_scale / inverse_mel_scale, 1127·ln(1 + f/700).
const KALDI_MEL = 1127;
const KALDI_BREAK_HZ = 700;
const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOGSTEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (scale === 'kaldi') return KALDI_MEL * Math.log(1 + hz / KALDI_BREAK_HZ);
  if (hz < SLANEY_MIN_LOG_HZ) return hz / SLANEY_F_SP;
  return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
}

export function melToHz(mel: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (scale === 'kaldi') return KALDI_BREAK_HZ * (Math.exp(mel / KALDI_MEL) - 1);
  if (mel < SLANEY_MIN_LOG_MEL) return SLANEY_F_SP * mel;
  return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
}
