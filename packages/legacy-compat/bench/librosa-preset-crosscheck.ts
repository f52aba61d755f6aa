/**
 * Runs our librosa-preset extractor on a test signal and hands the result to librosa-preset-crosscheck.py, which
 * computes the same with torchaudio set to librosa's conventions. Needs /usr/bin/python3 with torchaudio.
 * Usage: node --conditions=@noise-classifier/source --import tsx bench/librosa-preset-crosscheck.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import { createLibrosaFeatureConfig } from '../src/librosa-preset';

const dir = mkdtempSync(join(tmpdir(), 'librosa-crosscheck-'));
const here = dirname(fileURLToPath(import.meta.url));
const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
try {
  for (const sampleRate of [48_000, 22_050]) {
    // A chirp with a loud onset at sample 0, so the first frame depends on the padding.
    const n = Math.round(1.3 * sampleRate);
    let s = 11;
    const audio = Float32Array.from({ length: n }, (_, i) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const t = i / sampleRate;
      return 0.6 * Math.sin(2 * Math.PI * (300 + 3000 * t) * t) + 0.05 * (s / 2 ** 32 - 0.5);
    });
    const extractor = new TorchAudioFeatureExtractor(createLibrosaFeatureConfig({ sampleRate }));
    writeFileSync(join(dir, 'audio.f32'), bytes(audio));
    writeFileSync(join(dir, 'mel.f32'), bytes(extractor.extractMelSpectrogram(audio).data));
    writeFileSync(join(dir, 'mfcc.f32'), bytes(extractor.extractMfcc(audio).data));
    console.log(`— ${sampleRate} Hz`);
    const args = [join(here, 'librosa-preset-crosscheck.py'), join(dir, 'audio.f32'), String(sampleRate), join(dir, 'mel.f32'), join(dir, 'mfcc.f32')];
    process.stdout.write(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
