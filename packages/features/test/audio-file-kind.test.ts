import { describe, expect, it } from 'vitest';
import { audioFileKind, encodeWav } from '../src/index';

const text = (s: string, length = 16) => {
  const out = new Uint8Array(length);
  out.set(new TextEncoder().encode(s));
  return out;
};

describe('audioFileKind, the one format sniffer', () => {
  it('names the containers we decode and marks formats we only recognise', () => {
    expect(audioFileKind(encodeWav(new Float32Array(100), 16_000))).toBe('wav');
    expect(audioFileKind(text('OggS'))).toBe('ogg');
    expect(audioFileKind(text('fLaC'))).toBe('flac');
    expect(audioFileKind(text('ID3\u0004\0\0\0\0\0\0'))).toBe('mp3');
    expect(audioFileKind(text('FORM\0\0\0\0AIFF'))).toBe('unsupported');
    expect(audioFileKind(text('RIFF\0\0\0\0AVI '))).toBe('unsupported');
    expect(audioFileKind(text('\0\0\0\u0018ftypM4A '))).toBe('unsupported');
  });

  it('reads headerless PCM, short buffers and a lone MPEG-looking header as no file', () => {
    expect(audioFileKind(new Uint8Array([1, 2]))).toBeUndefined();
    expect(audioFileKind(new Uint8Array(new Float32Array([0.1, -0.2, 0.3, 0]).buffer))).toBeUndefined();
    // FF FB 90 3C is a valid MPEG-1 layer III header, but no second header follows where it says: PCM.
    const pcm = new Uint8Array(4096).fill(0x11);
    pcm.set([0xff, 0xfb, 0x90, 0x3c], 0);
    expect(audioFileKind(pcm)).toBeUndefined();
    // The same header twice, one frame (417 bytes at 128 kbit/s, 44.1 kHz) apart: an MPEG stream.
    pcm.set([0xff, 0xfb, 0x90, 0x3c], 417);
    expect(audioFileKind(pcm)).toBe('mp3');
  });
});
