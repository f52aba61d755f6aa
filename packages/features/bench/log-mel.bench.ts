/**
 * Log-mel benchmark: ms of single-threaded compute per second of 48 kHz audio for
 * extractMelSpectrogram (128 mels, nFft 2048, hop 512, dB with top_db 80), for every FFT backend,
 * after warm-up, against torchaudio 0.13 (MelSpectrogram + AmplitudeToDB, torch.set_num_threads(1))
 * timed in the same run on the same audio when /usr/bin/python3 has torchaudio.
 *
 * Run from the repository root: npx tsx --conditions=@noise-classifier/source packages/features/bench/log-mel.bench.ts
 * Options: --seconds N (default 10), --repeats N (default 30).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TorchAudioFeatureExtractor } from '../src/index';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option('seconds', 10);
const REPEATS = option('repeats', 30);
const SAMPLE_RATE = 48_000;

/** Deterministic test audio: tones, a chirp and noise from a seeded generator. */
function makeAudio(seconds: number): Float32Array {
  const n = seconds * SAMPLE_RATE;
  const out = new Float32Array(n);
  let state = 0x2545f491;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const t = i / SAMPLE_RATE;
    out[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * (200 + 900 * t) * t) + 0.1 * (state / 2 ** 32 - 0.5);
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function timeBackend(fft: 'fftjs' | 'pffft' | 'auto', audio: Float32Array) {
  const extractor = await TorchAudioFeatureExtractor.create({}, { fft });
  for (let i = 0; i < 10; i++) extractor.extractMelSpectrogram(audio);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    extractor.extractMelSpectrogram(audio);
    times.push(performance.now() - start);
  }
  const name = extractor.fftBackend;
  extractor.dispose();
  const seconds = audio.length / SAMPLE_RATE;
  return { fft, name, median: median(times) / seconds, min: Math.min(...times) / seconds };
}

function torchaudioReference(audio: Float32Array): { median: number; min: number; version: string } | string {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torchaudio'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `skipped: ${python} with torchaudio is not available`;
  const dir = mkdtempSync(join(tmpdir(), 'log-mel-bench-'));
  try {
    const file = join(dir, 'audio.f32');
    writeFileSync(file, Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
    const script = fileURLToPath(new URL('./torchaudio_ref.py', import.meta.url));
    const run = spawnSync(python, [script, file, String(SAMPLE_RATE), String(REPEATS)], { encoding: 'utf8' });
    if (run.status !== 0) return `skipped: torchaudio reference failed: ${run.stderr.trim().split('\n').pop()}`;
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    return { median: result.median_ms_per_s, min: result.min_ms_per_s, version: `torchaudio ${result.torchaudio}, torch ${result.torch}, ${result.threads} thread` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const audio = makeAudio(SECONDS);
console.log(`log-mel (128 mels, nFft 2048, hop 512, dB): ${SECONDS} s of 48 kHz audio, ${REPEATS} timed runs after warm-up, Node ${process.version}`);
const rows = [];
for (const fft of ['fftjs', 'pffft', 'auto'] as const) rows.push(await timeBackend(fft, audio));
const reference = torchaudioReference(audio);
const fmt = (x: number) => x.toFixed(3).padStart(8);
console.log(`${'backend'.padEnd(22)} ${'median'.padStart(8)} ${'min'.padStart(8)}  ms per second of audio${typeof reference === 'string' ? '' : '   speed-up vs torchaudio (median)'}`);
for (const row of rows) {
  const ratio = typeof reference === 'string' ? '' : `   ${(reference.median / row.median).toFixed(2)}×`;
  console.log(`${`${row.fft} (${row.name})`.padEnd(22)} ${fmt(row.median)} ${fmt(row.min)}${ratio}`);
}
if (typeof reference === 'string') {
  console.log(`torchaudio reference ${reference}`);
} else {
  console.log(`${'torchaudio'.padEnd(22)} ${fmt(reference.median)} ${fmt(reference.min)}   (${reference.version})`);
  const fftjs = rows.find((r) => r.fft === 'fftjs')!;
  const auto = rows.find((r) => r.fft === 'auto')!;
  console.log(`targets: fftjs no slower than torchaudio: ${fftjs.median <= reference.median ? 'met' : 'NOT met'}; auto ≥ 3× faster: ${reference.median / auto.median >= 3 ? 'met' : 'NOT met'} (${(reference.median / auto.median).toFixed(2)}×)`);
}
