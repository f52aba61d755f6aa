import { NoiseClassifierError, describeValue } from '@noise-classifier/config';

/** Mono samples decoded by the browser (same fields as @noise-classifier/features' DecodedAudio, minus format). */
export interface WebAudioDecoded {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationSeconds: number;
}

/**
 * Decodes any codec the browser supports with Web Audio (`OfflineAudioContext.decodeAudioData`) and averages the
 * channels to mono. Browser only: elsewhere it throws E_RUNTIME_MISSING pointing to features' `decodeAudio`.
 */
export async function decodeWithWebAudio(data: ArrayBuffer | Uint8Array): Promise<WebAudioDecoded> {
  const Context = (globalThis as { OfflineAudioContext?: new (channels: number, length: number, sampleRate: number) => BaseAudioContext }).OfflineAudioContext;
  if (typeof Context !== 'function') {
    throw new NoiseClassifierError('E_RUNTIME_MISSING', 'Web Audio is not available here (browsers only); use decodeAudio from @noise-classifier/features instead', {
      field: 'OfflineAudioContext',
      expected: 'a browser with the Web Audio API',
      received: 'undefined',
    });
  }
  if (!(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'decodeWithWebAudio: audio must be an ArrayBuffer or Uint8Array', {
      field: 'audio',
      expected: 'the bytes of an encoded audio file',
      received: describeValue(data),
    });
  }
  // decodeAudioData detaches its argument: hand it a copy so the caller's bytes survive.
  const copy = data instanceof ArrayBuffer ? data.slice(0) : data.slice().buffer;
  let buffer: AudioBuffer;
  try {
    buffer = await new Context(1, 1, 44_100).decodeAudioData(copy);
  } catch (error) {
    throw new NoiseClassifierError('E_DECODE', `the browser could not decode the audio: ${error instanceof Error ? error.message : String(error)}`, {
      field: 'audio',
      received: `${copy.byteLength} bytes`,
      cause: error,
    });
  }
  // Every channel of an AudioBuffer holds exactly buffer.length samples.
  const samples = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const channel = buffer.getChannelData(c);
    for (let i = 0; i < samples.length; i++) samples[i]! += channel[i]! / buffer.numberOfChannels;
  }
  return { samples, sampleRate: buffer.sampleRate, channels: buffer.numberOfChannels, durationSeconds: buffer.duration };
}
