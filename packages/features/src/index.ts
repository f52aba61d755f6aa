export type { Spectrogram, DecodedAudio, AudioInput, ModelInputBatch } from './types';

// Front end: STFT, mel filterbanks, dB, MFCC, deltas, FFT backends, TorchAudioFeatureExtractor.
export {
  TorchAudioFeatureExtractor,
  type CreateFeatureExtractorOptions,
  type FftChoice,
} from './dsp/torch-audio-feature-extractor';
export { type FftBackend, type FftBackendFactory } from './dsp/fft-backend';
export { fftJsFactory } from './dsp/fftjs-backend';
export { loadPffft, type PffftLoadOptions } from './dsp/pffft-backend';
export { hannWindow } from './dsp/window';
export { stftFrameCount, type FrameLayout } from './dsp/stft-frames';
export { hzToMel, melToHz } from './dsp/mel-scale';
export {
  melFilterbank,
  melFilterbankDense,
  type MelFilterbankOptions,
  type SparseMelFilterbank,
} from './dsp/mel-filterbank';
export { amplitudeToDbInPlace, type AmplitudeToDbOptions } from './dsp/amplitude-to-db';
export { createDct } from './dsp/dct';
export { computeDeltas } from './dsp/deltas';

// Input: decoding, resampling, model windows, augmentation.
export { decodeAudio } from './io/decode';
export { audioFileKind, type AudioFileKind } from './io/sniff';
export { decodeWav, type DecodeOptions } from './io/wav';
export { encodeWav, type EncodeWavOptions, type WavSampleFormat } from './io/wav-encode';
export { resample, type ResampleOptions } from './io/resample';
export { prepareAudio, checkSamples, DEFAULT_MAX_DURATION_SECONDS, type PrepareAudioOptions } from './io/prepare-audio';
export { makeModelWindows, concatModelInputBatches, windowStarts, framesToSeconds, secondsToFrames, windowTimes, type ModelWindowOptions } from './windows';
export { createRandom, type Random, type RandomOptions } from './augment/random';
export { timeMask, frequencyMask, type MaskOptions, type MaskRange, type MaskedSpectrogram } from './augment/spec-augment';
export { randomGain, timeShift, addNoise, type GainOptions, type TimeShiftOptions, type NoiseOptions } from './augment/waveform';
export { mixup, type MixupExample, type MixupOptions } from './augment/mixup';
