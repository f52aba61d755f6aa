import { readBytes } from './read-model-file';

/**
 * Reads an audio file's bytes (WAV, FLAC, OGG, MP3). Decoding stays in @noise-classifier/features (`decodeAudio`),
 * which is platform-neutral, so Node and browsers share one decoder; this helper only does the file access.
 * A missing file is E_BAD_AUDIO naming the path.
 */
export async function readAudioFile(path: string): Promise<Uint8Array> {
  return readBytes(path, 'E_BAD_AUDIO', 'audio file');
}
