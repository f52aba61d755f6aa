/**
 * Log-mel benchmark: ms of single-threaded compute per second of 48 kHz audio for
 * extractMelSpectrogram (128 mels, nFft 2048, hop 512, dB with top_db 80), for every FFT backend,
 * after warm-up, against torchaudio 0.13 (MelSpectrogram + AmplitudeToDB, torch.set_num_threads(1))
 * timed in the same run on the same audio when /usr/bin/python3 has torchaudio.
 *
 * Each figure is the median over the timed runs of wall time and of process CPU time; on a shared
 * machine CPU time is the steadier one, and the ratios use it. JS runs and the Python reference are
 * interleaved over several rounds so that both see the same machine load.
 *
 * Run from the repository root, either through tsx (quick; the tsx loader adds ~25 % to the JS figures here):
 *   npx tsx --conditions=@noise-classifier/source packages/features/bench/log-mel.bench.ts [--seconds 10] [--repeats 20] [--rounds 3]
 * or bundled and run by plain Node (the figures the README records):
 *   npx esbuild packages/features/bench/log-mel.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@noise-classifier/source --external:fft.js --external:@echogarden/pffft-wasm \
 *     --outfile=packages/features/bench/dist/log-mel.bench.mjs && node packages/features/bench/dist/log-mel.bench.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const REPEATS = option('repeats', 20);
const ROUNDS = option('rounds', 3);
const SAMPLE_RATE = 48_000;
const PYTHON = '/usr/bin/python3';

interface Timing {
  wall: number;
  cpu: number;
}

/** Deterministic test audio: a tone, a chirp and noise from a seeded generator. */
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

function timeExtractor(extractor: TorchAudioFeatureExtractor, audio: Float32Array): Timing {
  for (let i = 0; i < 5; i++) extractor.extractMelSpectrogram(audio);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    extractor.extractMelSpectrogram(audio);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  const seconds = audio.length / SAMPLE_RATE;
  return { wall: median(wall) / seconds, cpu: median(cpu) / seconds };
}

function hasTorchaudio(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torchaudio'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

function timeTorchaudio(file: string): Timing & { version: string } {
  // Next to this file, or one folder up when running the bundle from bench/dist/.
  const script = ['./torchaudio_ref.py', '../torchaudio_ref.py']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(p));
  if (script === undefined) throw new Error('bench/torchaudio_ref.py not found next to the benchmark');
  const run = spawnSync(PYTHON, [script, file, String(SAMPLE_RATE), String(REPEATS)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`torchaudio reference failed: ${run.stderr.trim().split('\n').pop()}`);
  const r = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  return { wall: r.median_ms_per_s, cpu: r.cpu_median_ms_per_s, version: `torchaudio ${r.torchaudio}, torch ${r.torch}, ${r.threads} thread` };
}

const audio = makeAudio(SECONDS);
console.log(
  `log-mel (128 mels, nFft 2048, hop 512, dB top_db 80): ${SECONDS} s of 48 kHz audio, ${REPEATS} timed runs × ${ROUNDS} rounds after warm-up, Node ${process.version}`,
);
const backends = ['fftjs', 'pffft', 'auto'] as const;
const extractors = await Promise.all(backends.map((fft) => TorchAudioFeatureExtractor.create({}, { fft })));
const results = new Map<string, Timing[]>();
const withTorch = hasTorchaudio();
const dir = mkdtempSync(join(tmpdir(), 'log-mel-bench-'));
let torchVersion = '';
try {
  const file = join(dir, 'audio.f32');
  writeFileSync(file, Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
  for (let round = 0; round < ROUNDS; round++) {
    extractors.forEach((extractor, i) => {
      const key = `${backends[i]} (${extractor.fftBackend})`;
      results.set(key, [...(results.get(key) ?? []), timeExtractor(extractor, audio)]);
    });
    if (withTorch) {
      const t = timeTorchaudio(file);
      torchVersion = t.version;
      results.set('torchaudio', [...(results.get('torchaudio') ?? []), t]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  extractors.forEach((e) => e.dispose());
}

// Best round per row: the round least disturbed by other load.
const best = new Map([...results].map(([key, rounds]) => [key, { wall: Math.min(...rounds.map((r) => r.wall)), cpu: Math.min(...rounds.map((r) => r.cpu)) }]));
const reference = best.get('torchaudio');
const fmt = (x: number) => x.toFixed(3).padStart(9);
console.log(`${'backend'.padEnd(22)} ${'wall'.padStart(9)} ${'cpu'.padStart(9)}   ms per second of audio${reference ? '   torchaudio cpu / this cpu' : ''}`);
for (const [key, t] of best) {
  const ratio = reference && key !== 'torchaudio' ? `   ${(reference.cpu / t.cpu).toFixed(2)}×` : key === 'torchaudio' ? `   (${torchVersion})` : '';
  console.log(`${key.padEnd(22)} ${fmt(t.wall)} ${fmt(t.cpu)}${ratio}`);
}
if (!reference) {
  console.log(`torchaudio reference skipped: ${PYTHON} with torchaudio is not available`);
} else {
  const fftjs = [...best].find(([k]) => k.startsWith('fftjs'))![1];
  const auto = [...best].find(([k]) => k.startsWith('auto'))![1];
  console.log(
    `targets: fft.js no slower than torchaudio: ${fftjs.cpu <= reference.cpu ? 'met' : 'NOT met'}; ` +
      `auto ≥ 3× faster than torchaudio: ${reference.cpu / auto.cpu >= 3 ? 'met' : 'NOT met'} (${(reference.cpu / auto.cpu).toFixed(2)}×); ` +
      `auto ≤ 0.55 ms per second: ${auto.cpu <= 0.55 ? 'met' : 'NOT met'} (${auto.cpu.toFixed(3)} ms)`,
  );
}
