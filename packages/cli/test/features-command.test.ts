import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createAudioFeatureConfig } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor, decodeWav, encodeWav, resample } from '@noise-classifier/features';
import { colormapTable, decodeNpy, encodeNpy, perceptualColor, renderSpectrogramPng, runCli, runFeatures } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'nc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 16-bit mono WAV of a rising chirp plus a little noise, made here so the test needs no fixture. */
function writeChirpWav(path: string, sampleRate = 22050, seconds = 1): Uint8Array {
  const n = sampleRate * seconds;
  const samples = new Float32Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    seed = (seed * 1103515245 + 12345) >>> 0;
    samples[i] = 0.5 * Math.sin(2 * Math.PI * (100 * t + 2000 * t * t)) + 0.01 * (seed / 2 ** 32 - 0.5);
  }
  const bytes = encodeWav(samples, sampleRate);
  writeFileSync(path, bytes);
  return bytes;
}

const wavPath = join(dir, 'chirp.wav');
const wavBytes = writeChirpWav(wavPath);

describe('.npy writer', () => {
  it('writes a v1.0 header padded to 64 bytes and the data little-endian; reads back', () => {
    const data = Float32Array.from({ length: 6 }, (_, i) => i * 0.5 - 1);
    const bytes = encodeNpy(data, [2, 3]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 24);
    expect(decodeNpy(bytes)).toEqual({ data, shape: [2, 3] });
    expect(() => encodeNpy(data, [4, 2])).toThrow(RangeError);
  });
});

describe('colormap and PNG', () => {
  it('lightness rises monotonically from dark to bright (perceptual ordering)', () => {
    const table = colormapTable();
    const luminance = (i: number) => 0.2126 * table[i * 3]! + 0.7152 * table[i * 3 + 1]! + 0.0722 * table[i * 3 + 2]!;
    for (let i = 1; i < 256; i++) expect(luminance(i)).toBeGreaterThan(luminance(i - 1) - 1);
    expect(luminance(0)).toBeLessThan(60);
    expect(luminance(255)).toBeGreaterThan(200);
    // Ends: dark violet-blue and yellow.
    const [r0, , b0] = perceptualColor(0);
    const [r1, g1, b1] = perceptualColor(1);
    expect(b0).toBeGreaterThan(r0);
    expect(Math.min(r1, g1)).toBeGreaterThan(2 * b1);
  });

  it('renders frames × bins with bin 0 at the bottom', () => {
    const spec = { data: Float32Array.from([0, 0, 0, 1, 1, 1]), bins: 2, frames: 3 };
    const png = PNG.sync.read(Buffer.from(renderSpectrogramPng(spec)));
    expect([png.width, png.height]).toEqual([3, 2]);
    const pixel = (x: number, y: number) => Array.from(png.data.subarray((y * 3 + x) * 4, (y * 3 + x) * 4 + 3));
    expect(pixel(0, 1)).toEqual(perceptualColor(0));
    expect(pixel(2, 0)).toEqual(perceptualColor(1));
  });
});

describe('features command', () => {
  const expectedMelDb = async (overrides: Record<string, unknown> = {}) => {
    const config = createAudioFeatureConfig(overrides);
    const samples = resample(decodeWav(wavBytes).samples, 22050, config.sampleRate);
    return new TorchAudioFeatureExtractor(config).extractMelSpectrogram(samples);
  };

  it('runFeatures writes exactly the extractor’s dB log-mel as [bins, frames]', async () => {
    const out = join(dir, 'mel.npy');
    const result = await runFeatures(wavPath, { kind: 'mel_db', out, fft: 'fftjs' });
    const npy = decodeNpy(new Uint8Array(readFileSync(out)));
    const expected = await expectedMelDb();
    expect(npy.shape).toEqual([128, expected.frames]);
    expect(expected.frames).toBe(1 + Math.floor(48000 / 512));
    expect(npy.data).toEqual(expected.data);
    expect(result.sourceSampleRate).toBe(22050);
  });

  it('mfcc and mel_power shapes; Slaney options change the result', async () => {
    const mfcc = await runFeatures(wavPath, { kind: 'mfcc', out: join(dir, 'mfcc.npy') });
    expect(decodeNpy(new Uint8Array(readFileSync(join(dir, 'mfcc.npy')))).shape).toEqual([40, mfcc.spectrogram.frames]);
    const power = await runFeatures(wavPath, { kind: 'mel_power', out: join(dir, 'p.npy') });
    expect(power.spectrogram.data.every((p) => p >= 0)).toBe(true);
    const slaney = await runFeatures(wavPath, { kind: 'mel_power', out: join(dir, 's.npy'), config: { melScale: 'slaney', melNorm: 'slaney' } });
    expect(slaney.spectrogram.data).not.toEqual(power.spectrogram.data);
  });

  it('runCli: --png writes a bins-high image; errors go to stderr with non-zero exit codes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    const png = join(dir, 'mel.png');
    expect(await runCli(['features', wavPath, '--kind', 'mel_db', '--n-mels', '64', '--png', png], io)).toBe(0);
    const image = PNG.sync.read(readFileSync(png));
    expect(image.height).toBe(64);
    expect(out.join('')).toContain('mel_db [64 × 94]');
    expect(await runCli(['features', join(dir, 'missing.wav'), '--kind', 'mel_db', '--out', join(dir, 'x.npy')], io)).toBe(1);
    expect(err.join('')).toContain('E_BAD_AUDIO');
    expect(await runCli(['features', wavPath, '--kind', 'loudness', '--out', join(dir, 'x.npy')], io)).toBe(2);
    expect(await runCli(['features', wavPath, '--kind', 'mel_db'], io)).toBe(1);
    expect(await runCli(['features', wavPath, '--kind', 'mel_db', '--out', join(dir, 'x.npy'), '--max-duration', '0.5'], io)).toBe(1);
    expect(err.join('')).toContain('E_INPUT_TOO_LARGE');
    expect(err.join('')).toContain('--out');
    writeFileSync(join(dir, 'junk.wav'), 'not audio at all');
    expect(await runCli(['features', join(dir, 'junk.wav'), '--kind', 'mfcc', '--out', join(dir, 'x.npy')], io)).toBe(1);
    expect(err.join('')).toContain('E_DECODE');
  });

  it('the executable runs as a separate process (spawned through tsx from source)', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const out = join(dir, 'spawn.npy');
    const ok = spawnSync(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', cli, 'features', wavPath, '--kind', 'mel_db', '--mel-scale', 'slaney', '--mel-norm', 'slaney', '--out', out], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(decodeNpy(new Uint8Array(readFileSync(out))).shape).toEqual([128, 94]);
    const bad = spawnSync(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', cli, 'features', join(dir, 'nope.ogg'), '--kind', 'mfcc', '--out', out], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^noise-classifier: error E_BAD_AUDIO: Cannot read audio file/);
  });
});
