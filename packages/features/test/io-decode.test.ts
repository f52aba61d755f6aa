import { describe, expect, it } from 'vitest';
import type { NoiseClassifierError } from '@noise-classifier/config';
import { decodeAudio, decodeWav } from '../src/index';
import { buildWav, dequantise, fixture, quantise, rejectionOf, rms, sine, type WavSpec } from './io-helpers';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

async function codeOf(pending: Promise<unknown> | (() => unknown)): Promise<string> {
  return (await rejectionOf(pending)).code;
}

/** Pearson correlation of a and b[lag..], best over lags in [-maxLag, maxLag]. */
function bestCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, maxLag: number): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
      const x = a[i]!;
      const y = b[i + lag]!;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    const r = sab / Math.sqrt(saa * sbb);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

describe('decodeWav: sample formats', () => {
  const kinds: WavSpec['kind'][] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'];
  for (const kind of kinds) {
    for (const channelCount of [1, 2, 3]) {
      for (const extensible of [false, true]) {
        it(`${kind}, ${channelCount} channel(s)${extensible ? ', WAVE_FORMAT_EXTENSIBLE' : ''}: downmixed by averaging`, () => {
          const n = 257;
          const channels = Array.from({ length: channelCount }, (_, c) => sine(220 * (c + 1), 16000, n, 0.9 / (c + 1), c));
          const bytes = buildWav({ channels, sampleRate: 16000, kind, extensible });
          const decoded = decodeWav(bytes);
          expect(decoded.sampleRate).toBe(16000);
          expect(decoded.channels).toBe(channelCount);
          expect(decoded.format).toBe('wav');
          expect(decoded.samples.length).toBe(n);
          expect(decoded.durationSeconds).toBeCloseTo(n / 16000, 12);
          for (let i = 0; i < n; i++) {
            let expected = 0;
            for (let c = 0; c < channelCount; c++) expected += dequantise(quantise(channels[c]![i]!, kind), kind);
            expected /= channelCount;
            expect(Math.abs(decoded.samples[i]! - expected)).toBeLessThan(1e-6);
          }
        });
      }
    }
  }

  it('keeps full scale: int16 -32768 is exactly -1, uint8 0 is exactly -1', () => {
    expect(decodeWav(buildWav({ channels: [[-1, 0, 32767 / 32768]], sampleRate: 8000, kind: 'pcm16' })).samples).toEqual(new Float32Array([-1, 0, 32767 / 32768]));
    expect(decodeWav(buildWav({ channels: [[-1, 0]], sampleRate: 8000, kind: 'pcm8' })).samples).toEqual(new Float32Array([-1, 0]));
  });

  it('accepts an ArrayBuffer and a Uint8Array view at an offset', () => {
    const bytes = buildWav({ channels: [[0.25, -0.5]], sampleRate: 44100, kind: 'pcm16' });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeWav(bytes.slice().buffer).samples).toEqual(new Float32Array([0.25, -0.5]));
    expect(decodeWav(shifted.subarray(3)).samples).toEqual(new Float32Array([0.25, -0.5]));
  });
});

describe('decodeWav: chunk structure', () => {
  const channels = [sine(440, 8000, 100)];

  it('skips unknown chunks, including odd-sized ones with their pad byte', () => {
    const plain = decodeWav(buildWav({ channels, sampleRate: 8000, kind: 'pcm16' }));
    const bytes = buildWav({
      channels,
      sampleRate: 8000,
      kind: 'pcm16',
      extraChunks: [
        { id: 'LIST', body: new Uint8Array([1, 2, 3]) },
        { id: 'fact', body: new Uint8Array(4) },
        { id: 'junk', body: new Uint8Array(7).fill(0x55) },
      ],
    });
    expect(decodeWav(bytes).samples).toEqual(plain.samples);
  });

  it('truncated data chunk is an E_DECODE error naming both sizes, or a flagged partial decode when allowed', () => {
    const full = buildWav({ channels, sampleRate: 8000, kind: 'pcm16' });
    const cut = full.subarray(0, full.length - 51);
    const error = (() => {
      try {
        decodeWav(cut);
      } catch (e) {
        return e as NoiseClassifierError;
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('E_DECODE');
    expect(error.message).toMatch(/200 bytes.*149 remain|truncated/);
    const partial = decodeWav(cut, { allowTruncated: true });
    expect(partial.truncated).toBe(true);
    expect(partial.samples.length).toBe(74); // 149 bytes → 74 whole 2-byte frames
    expect(partial.samples).toEqual(decodeWav(full).samples.subarray(0, 74));
  });

  it('a streamed WAV (data size 0xFFFFFFFF, or 0 with a placeholder RIFF size) reads to the end of the file, not flagged', () => {
    for (const [dataSize, riffSize] of [
      [0xffffffff, undefined],
      [0, 0],
      [0, 0xffffffff],
      [0, 36],
    ] as const) {
      const bytes = buildWav({ channels, sampleRate: 8000, kind: 'pcm16', dataSizeField: dataSize });
      if (riffSize !== undefined) new DataView(bytes.buffer).setUint32(4, riffSize, true);
      const decoded = decodeWav(bytes);
      expect(decoded.samples.length).toBe(100);
      expect(decoded.truncated).toBeUndefined();
    }
  });

  it('a data size of 0 with a consistent RIFF size is an empty chunk: no audio, not the bytes after it', async () => {
    const bytes = buildWav({ channels, sampleRate: 8000, kind: 'pcm16', dataSizeField: 0 });
    expect(await codeOf(() => decodeWav(bytes))).toBe('E_DECODE');
  });

  it('rejects missing chunks, zero channels, bad block align, zero sample rate', async () => {
    const good = buildWav({ channels, sampleRate: 8000, kind: 'pcm16' });
    const noData = good.slice(0, 36);
    new DataView(noData.buffer).setUint32(4, 28, true);
    expect(await codeOf(() => decodeWav(noData))).toBe('E_DECODE');
    const zeroChannels = good.slice();
    new DataView(zeroChannels.buffer).setUint16(22, 0, true);
    expect(await codeOf(() => decodeWav(zeroChannels))).toBe('E_DECODE');
    const badAlign = good.slice();
    new DataView(badAlign.buffer).setUint16(32, 5, true);
    expect(await codeOf(() => decodeWav(badAlign))).toBe('E_UNSUPPORTED_CODEC');
    const zeroRate = good.slice();
    new DataView(zeroRate.buffer).setUint32(24, 0, true);
    expect(await codeOf(() => decodeWav(zeroRate))).toBe('E_SAMPLE_RATE');
  });

  it('names an unsupported WAV codec (IMA ADPCM, A-law)', async () => {
    const adpcm = buildWav({ channels, sampleRate: 8000, kind: 'pcm16' });
    new DataView(adpcm.buffer).setUint16(20, 0x0011, true);
    const error = await rejectionOf(decodeAudio(adpcm));
    expect(error.code).toBe('E_UNSUPPORTED_CODEC');
    expect(error.message).toContain('IMA ADPCM');
    const alaw = adpcm.slice();
    new DataView(alaw.buffer).setUint16(20, 0x0006, true);
    expect((await rejectionOf(decodeAudio(alaw))).message).toContain('A-law');
  });

  it('float WAVs with NaN or Infinity are rejected with the frame index', async () => {
    const bytes = buildWav({ channels: [[0.1, Number.NaN, 0.2]], sampleRate: 8000, kind: 'float32' });
    const error = await rejectionOf(decodeAudio(bytes));
    expect(error.code).toBe('E_BAD_AUDIO');
    expect(error.message).toContain('samples[1]');
  });

  it('enforces maxDurationSeconds before allocating', () => {
    const bytes = buildWav({ channels: [new Float64Array(8000)], sampleRate: 8000, kind: 'pcm16' });
    expect(() => decodeWav(bytes, { maxDurationSeconds: 0.5 })).toThrow(expect.objectContaining({ code: 'E_INPUT_TOO_LARGE' }));
    expect(decodeWav(bytes, { maxDurationSeconds: 1 }).samples.length).toBe(8000);
  });
});

describe('decodeAudio: container sniffing and bad input', () => {
  it('empty input is E_BAD_AUDIO; a string is E_BAD_AUDIO; random bytes are E_DECODE', async () => {
    expect(await codeOf(decodeAudio(new Uint8Array(0)))).toBe('E_BAD_AUDIO');
    expect(await codeOf(decodeAudio('hello' as unknown as Uint8Array))).toBe('E_BAD_AUDIO');
    const error = await rejectionOf(decodeAudio(new Uint8Array([0x00, 0x01, 0x02, 0x03, 0x04])));
    expect(error.code).toBe('E_DECODE');
    expect(error.message).toContain('00 01 02 03 04');
  });

  it('names Opus-in-Ogg, AAC (ADTS), MP4 and WebM as unsupported codecs', async () => {
    // A one-page Ogg stream whose first packet is an Opus identification header.
    const opusHead = new TextEncoder().encode('OpusHead\u0001\u0001\u0038\u0001\u0080\u00bb\u0000\u0000\u0000\u0000\u0000');
    const page = new Uint8Array(27 + 1 + opusHead.length);
    page.set(new TextEncoder().encode('OggS'), 0);
    page[5] = 0x02 | 0x04;
    page[26] = 1;
    page[27] = opusHead.length;
    page.set(opusHead, 28);
    const opus = await rejectionOf(decodeAudio(page));
    expect(opus.code).toBe('E_UNSUPPORTED_CODEC');
    expect(opus.message).toContain('Opus');
    const adts = new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, 0, 0, 0]);
    expect((await rejectionOf(decodeAudio(adts))).message).toContain('AAC');
    const mp4 = new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypM4A '), 0, 0, 0, 0]);
    expect((await rejectionOf(decodeAudio(mp4))).code).toBe('E_UNSUPPORTED_CODEC');
    const webm = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]);
    expect((await rejectionOf(decodeAudio(webm))).message).toContain('WebM');
  });
});

describe('decodeAudio: real files', () => {
  // Real recordings come from ../shared/datasets; the codec fixtures are our own synthetic audio encoded by
  // scripts/make-codec-fixtures.sh from synthetic-alarm-1s.wav, their lossless reference.
  const us8k = decodeWav(readSharedClip(SHARED_CLIPS.drilling));
  const wav = decodeWav(fixture('synthetic-alarm-1s.wav'));

  it('UrbanSound8K WAV: 4 s of PCM16 at 22.05 kHz', () => {
    expect(us8k.sampleRate).toBe(22050);
    expect(us8k.samples.length).toBe(88200);
    expect(us8k.codec).toBe('pcm_s16le');
    expect(rms(us8k.samples)).toBeGreaterThan(0.001);
  });

  it('FLAC (lossless encoding of the synthetic WAV) decodes to exactly the same samples', async () => {
    expect(wav.samples.length).toBe(22050);
    const flac = await decodeAudio(fixture('synthetic-alarm-1s.flac'));
    expect(flac.format).toBe('flac');
    expect(flac.sampleRate).toBe(22050);
    expect(flac.samples).toEqual(wav.samples.subarray(0, 22050));
  });

  it('24-bit FLAC decodes to int / 2^23 like a 24-bit WAV', async () => {
    // Made by flac from 1600 samples of 0.9·sin(440 Hz) + 0.05·sin(3 kHz) at 16 kHz, quantised with floor(x·2^23 + 0.5).
    const flac = await decodeAudio(fixture('sine-24bit-16k.flac'));
    expect(flac.sampleRate).toBe(16000);
    expect(flac.samples.length).toBe(1600);
    let exact = 0;
    for (let i = 0; i < 1600; i++) {
      const x = 0.9 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 0.05 * Math.sin((2 * Math.PI * 3000 * i) / 16000);
      const expected = Math.fround(Math.floor(x * 8388608 + 0.5) / 8388608);
      // numpy's and V8's sin may differ in the last bit, moving a rare sample across a rounding boundary.
      expect(Math.abs(flac.samples[i]! - expected)).toBeLessThanOrEqual(1 / 8388608 + 1e-12);
      if (flac.samples[i] === expected) exact++;
    }
    expect(exact).toBeGreaterThan(1590);
  });

  it('a truncated FLAC file is an error (STREAMINFO sample count), or flagged when allowed', async () => {
    const bytes = fixture('synthetic-alarm-1s.flac');
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const error = await rejectionOf(decodeAudio(cut));
    expect(error.code).toBe('E_DECODE');
    expect(error.message).toMatch(/truncated|corrupt/);
  });

  it('ESC-50 FLAC whose short last frame the wasm decoder used to drop decodes whole (220500 samples, not 217088)', async () => {
    const flac = await decodeAudio(readSharedClip('esc50_fold4/audio/engine/4-186935-A-44.flac'));
    expect(flac.format).toBe('flac');
    expect(flac.samples.length).toBe(220500);
    expect(flac.truncated ?? false).toBe(false);
  });

  it('MP3 (64 kbit/s of the same synthetic WAV) is the same sound, aligned within a frame', async () => {
    const mp3 = await decodeAudio(fixture('synthetic-alarm-1s.mp3'));
    expect(mp3.format).toBe('mp3');
    expect(mp3.sampleRate).toBe(22050);
    expect(Math.abs(mp3.samples.length - 22050)).toBeLessThan(2 * 1152);
    expect(mp3.channels).toBe(1);
    const { r } = bestCorrelation(wav.samples.subarray(0, 20000), mp3.samples, 1200);
    expect(r).toBeGreaterThan(0.8);
  });

  it('ESC-10 OGG Vorbis: 5.001 s at 44.1 kHz mono', async () => {
    const ogg = await decodeAudio(readSharedClip(SHARED_CLIPS.dogBark));
    expect(ogg.format).toBe('ogg');
    expect(ogg.codec).toBe('vorbis');
    expect(ogg.sampleRate).toBe(44100);
    expect(ogg.channels).toBe(1);
    expect(ogg.samples.length).toBe(220544);
    expect(rms(ogg.samples)).toBeGreaterThan(0.001);
    expect(ogg.samples.every(Number.isFinite)).toBe(true);
  });

  it('small OGG Vorbis (q0) of the synthetic WAV\'s first 0.3 s correlates with its source', async () => {
    const ogg = await decodeAudio(fixture('synthetic-alarm-0.3s.ogg'));
    expect(ogg.sampleRate).toBe(22050);
    expect(ogg.samples.length).toBe(6615);
    expect(bestCorrelation(wav.samples.subarray(0, 6615), ogg.samples, 0).r).toBeGreaterThan(0.8);
  });

  it('a truncated OGG is E_DECODE; with allowTruncated it decodes the whole pages and says so', async () => {
    const bytes = readSharedClip(SHARED_CLIPS.dogBark);
    const cut = bytes.subarray(0, 9000);
    expect(await codeOf(decodeAudio(cut))).toBe('E_DECODE');
    const partial = await decodeAudio(cut, { allowTruncated: true });
    expect(partial.truncated).toBe(true);
    expect(partial.samples.length).toBeGreaterThan(10000);
    expect(partial.samples.length).toBeLessThan(220544);
  });

  it('a corrupted OGG page body is E_DECODE, not garbage audio', async () => {
    const bytes = new Uint8Array(readSharedClip(SHARED_CLIPS.dogBark)); // a copy: corrupted below
    for (let i = 200; i < 400; i++) bytes[i]! ^= 0xff;
    expect(await codeOf(decodeAudio(bytes))).toBe('E_DECODE');
  });
});
