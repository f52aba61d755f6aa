import type { DecodedAudio } from '../types';
import { toBytes } from './bytes';
import { sniffContainer } from './sniff';
import { decodeFlac, decodeMp3, decodeOggVorbis } from './wasm-decoders';
import { decodeWav, type DecodeOptions } from './wav';

/**
 * Decodes an audio file to mono samples at its native rate. The container is sniffed from the bytes
 * (the file name is never trusted): WAV is parsed here; OGG Vorbis, FLAC and MP3 go through WebAssembly
 * decoders loaded on first use. Every failure is a NoiseClassifierError (E_DECODE, E_UNSUPPORTED_CODEC, ...).
 */
export async function decodeAudio(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const bytes = toBytes(input);
  switch (sniffContainer(bytes)) {
    case 'wav':
      return decodeWav(bytes, options);
    case 'ogg':
      return decodeOggVorbis(bytes, options);
    case 'flac':
      return decodeFlac(bytes, options);
    case 'mp3':
      return decodeMp3(bytes, options);
  }
}
