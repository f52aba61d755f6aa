/**
 * Tells an audio file from headerless float32 PCM by its first bytes (MLService's `audio_data` may be either).
 *
 * The 4-byte magics (RIFF, OggS, fLaC, ID3…) read as float32 are far outside [-1, 1], so PCM cannot start with
 * them by accident. A bare MPEG stream (no ID3 tag) starts with an 11-bit frame sync instead, which about one float32
 * sample in 2000 also matches; so a bare MPEG stream counts as a file only when a second valid frame header follows
 * the first at the length the first declares, the usual way MP3 probes decide.
 */
const FILE_MAGICS = ['RIFF', 'RIFX', 'RF64', 'OggS', 'fLaC', 'FORM', 'caff', '#!AM'];

export function looksLikeAudioFile(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (FILE_MAGICS.includes(magic) || magic.startsWith('ID3')) return true;
  if (bytes.length >= 8 && String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]) === 'ftyp') return true;
  const first = mpegFrameLength(bytes, 0);
  if (first === undefined) return false;
  // A stream of one frame ends exactly there; otherwise the next frame must start where this one ends.
  return first === bytes.length || mpegFrameLength(bytes, first) !== undefined;
}

// Bitrates in kbps by [MPEG-1 | MPEG-2/2.5][layer I, II, III][index 1…14].
const BITRATES: Record<'v1' | 'v2', readonly (readonly number[])[]> = {
  v1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] } as const;

/** Length in bytes of the MPEG audio frame whose header starts at `offset`, or undefined if there is none. */
function mpegFrameLength(bytes: Uint8Array, offset: number): number | undefined {
  if (offset + 4 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (bytes[offset + 1] >> 3) & 0x3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layerBits = (bytes[offset + 1] >> 1) & 0x3; // 3 = I, 2 = II, 1 = III, 0 reserved
  const bitrateIndex = bytes[offset + 2] >> 4;
  const rateIndex = (bytes[offset + 2] >> 2) & 0x3;
  const padding = (bytes[offset + 2] >> 1) & 0x1;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const layer = 4 - layerBits; // 1, 2 or 3
  const bitrate = BITRATES[version === 3 ? 'v1' : 'v2'][layer - 1][bitrateIndex - 1] * 1000;
  const sampleRate = SAMPLE_RATES[version as 0 | 2 | 3][rateIndex];
  if (layer === 1) return (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * bitrate) / sampleRate) + padding;
}
