import { decodeAudio } from '@noise-classifier/features';
import type { AudioDecoder } from '../../src/classifier';

/** features' decoder, in the server's shape. */
export const decode: AudioDecoder = async (bytes) => {
  const d = await decodeAudio(bytes);
  return { samples: d.samples, sampleRate: d.sampleRate, durationSeconds: d.durationSeconds };
};

export const TOKEN = 'test-token-7f3a9c';
