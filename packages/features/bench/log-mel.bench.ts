/**
 * Log-mel benchmark: ms of single-threaded compute per second of audio, after warm-up, with references timed in
 * the same run on the same samples:
 *   - 48 kHz, 128 mels, nFft 2048, hop 512, dB with top_db 80: the bare PFFFT transforms alone (94 per second of
 *     audio), our extractor with fft.js, with PFFFT and the JavaScript loops (simdKernel: false), with `auto`
 *     (PFFFT + our WebAssembly SIMD kernel), and torchaudio 0.13 (MelSpectrogram + AmplitudeToDB);
 *   - 32 kHz, the EfficientAT mn04 preset (nFft 1024, hop 320, Kaldi banks, natural log): the bare transforms
 *     (100 per second), ours with `auto`, and the same steps written in torch (bench/torchaudio_ref.py mn04).
 * torch runs with torch.set_num_threads(1) through /usr/bin/python3 when it has torchaudio (skipped with a message
 * otherwise).
 *
 * Each round times every row (JS rows: the median of `--repeats` runs; Python: the same, in its own process),
 * rounds are interleaved so that all rows see the same machine load, and the table shows the median over rounds
 * of wall and process CPU time (CPU time is the steadier one on a shared machine; the ratios use it) plus the best
 * round's CPU time.
 *
 * Run from the repository root, bundled and run by plain Node (the figures the README records; the tsx loader
 * adds ~25 % to the JS figures here):
 *   npx esbuild packages/features/bench/log-mel.bench.ts --bundle --platform=node --format=esm \
 *     --conditions=@noise-classifier/source --external:fft.js --external:@echogarden/pffft-wasm \
 *     --outfile=packages/features/bench/dist/log-mel.bench.mjs && node packages/features/bench/dist/log-mel.bench.mjs --rounds 7
 * or: npx tsx --conditions=@noise-classifier/source packages/features/bench/log-mel.bench.ts [--seconds 10] [--repeats 20] [--rounds 5]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor, loadPffft } from '../src/index';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option('seconds', 10);
const REPEATS = option('repeats', 20);
const ROUNDS = option('rounds', 5);
const PYTHON = '/usr/bin/python3';

interface Timing {
  wall: number;
  cpu: number;
}

/** Deterministic test audio: a tone, a chirp and noise from a seeded generator. */
function makeAudio(seconds: number, sampleRate: number): Float32Array {
  const n = seconds * sampleRate;
  const out = new Float32Array(n);
  let state = 0x2545f491;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const t = i / sampleRate;
    out[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * (200 + 900 * t) * t) + 0.1 * (state / 2 ** 32 - 0.5);
  }
  return out;
}

function median(values: readonly number[]): number {
  const middle = [...values].sort((a, b) => a - b)[values.length >> 1];
  if (middle === undefined) throw new Error('nothing to take the median of: --repeats and --rounds must be at least 1');
  return middle;
}

/** Median wall and CPU ms per second of audio of `run` after warm-up. */
function time(run: () => void, audioSeconds: number): Timing {
  for (let i = 0; i < 5; i++) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall) / audioSeconds, cpu: median(cpu) / audioSeconds };
}

function hasTorchaudio(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torchaudio'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

function timeTorch(file: string, sampleRate: number, preset: 'default' | 'mn04'): Timing & { version: string } {
  // Next to this file, or one folder up when running the bundle from bench/dist/.
  const script = ['./torchaudio_ref.py', '../torchaudio_ref.py']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(p));
  if (script === undefined) throw new Error('bench/torchaudio_ref.py not found next to the benchmark');
  const run = spawnSync(PYTHON, [script, file, String(sampleRate), String(REPEATS), preset], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`torch reference failed: ${run.stderr.trim().split('\n').pop()}`);
  const r = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  return { wall: r.median_ms_per_s, cpu: r.cpu_median_ms_per_s, version: `torchaudio ${r.torchaudio}, torch ${r.torch}, ${r.threads} thread` };
}

/** The FFT alone: `frames` PFFFT transforms of a filled frame, what the extractor runs per call. */
async function bareFft(nFft: number, frames: number): Promise<{ run: () => void; name: string; dispose: () => void }> {
  const factory = await loadPffft();
  const backend = factory.create(nFft);
  const input = backend.input();
  for (let i = 0; i < nFft; i++) input[i] = Math.sin(i * 0.37);
  const fft = backend.orderedFloat32!();
  return { run: () => { for (let t = 0; t < frames; t++) fft.run(); }, name: factory.name, dispose: () => backend.dispose() };
}

const audio48 = makeAudio(SECONDS, 48_000);
const audio32 = makeAudio(SECONDS, 32_000);
console.log(
  `log-mel: ${SECONDS} s of audio, ${REPEATS} timed runs × ${ROUNDS} rounds after warm-up, Node ${process.version}; ms per second of audio`,
);

const defaults = {
  fftjs: await TorchAudioFeatureExtractor.create({}, { fft: 'fftjs' }),
  pffftJs: await TorchAudioFeatureExtractor.create({}, { fft: 'pffft', simdKernel: false }),
  auto: await TorchAudioFeatureExtractor.create({}, { fft: 'auto' }),
};
const mn04 = await TorchAudioFeatureExtractor.create(EFFICIENTAT_MN04_FEATURE_CONFIG, { fft: 'auto' });
const fft48 = await bareFft(2048, defaults.auto.frameCount(audio48.length));
const fft32 = await bareFft(1024, mn04.frameCount(audio32.length));
const autoName = `auto (${defaults.auto.fftBackend}${defaults.auto.simdKernel ? ' + SIMD kernel' : ''})`;

type Row = { key: string; group: '48k' | 'mn04'; kind: 'fft' | 'ours' | 'torch'; run?: () => void; audio?: Float32Array };
const rows: Row[] = [
  { key: `bare FFT (${fft48.name} 2048)`, group: '48k', kind: 'fft', run: fft48.run },
  { key: 'fftjs (JS loops)', group: '48k', kind: 'ours', run: () => defaults.fftjs.extractMelSpectrogram(audio48) },
  { key: `pffft, JS loops`, group: '48k', kind: 'ours', run: () => defaults.pffftJs.extractMelSpectrogram(audio48) },
  { key: autoName, group: '48k', kind: 'ours', run: () => defaults.auto.extractMelSpectrogram(audio48) },
  { key: 'torchaudio', group: '48k', kind: 'torch', audio: audio48 },
  { key: `mn04: bare FFT (${fft32.name} 1024)`, group: 'mn04', kind: 'fft', run: fft32.run },
  { key: `mn04: ${autoName}`, group: 'mn04', kind: 'ours', run: () => mn04.extractMelSpectrogram(audio32) },
  { key: 'mn04: torch', group: 'mn04', kind: 'torch', audio: audio32 },
];

const results = new Map<string, Timing[]>();
const withTorch = hasTorchaudio();
const dir = mkdtempSync(join(tmpdir(), 'log-mel-bench-'));
let torchVersion = '';
try {
  const files = { '48k': join(dir, 'audio48.f32'), mn04: join(dir, 'audio32.f32') };
  writeFileSync(files['48k'], Buffer.from(audio48.buffer, audio48.byteOffset, audio48.byteLength));
  writeFileSync(files.mn04, Buffer.from(audio32.buffer, audio32.byteOffset, audio32.byteLength));
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) {
      if (row.kind === 'torch' && !withTorch) continue;
      let t: Timing;
      if (row.kind === 'torch') {
        const r = timeTorch(files[row.group], row.group === '48k' ? 48_000 : 32_000, row.group === '48k' ? 'default' : 'mn04');
        torchVersion = r.version;
        t = r;
      } else {
        t = time(row.run!, SECONDS);
      }
      results.set(row.key, [...(results.get(row.key) ?? []), t]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  [...Object.values(defaults), mn04].forEach((e) => e.dispose());
  fft48.dispose();
  fft32.dispose();
}

const summary = new Map(
  [...results].map(([key, rounds]) => [
    key,
    { wall: median(rounds.map((r) => r.wall)), cpu: median(rounds.map((r) => r.cpu)), best: Math.min(...rounds.map((r) => r.cpu)) },
  ]),
);
const fmt = (x: number) => x.toFixed(3).padStart(8);
console.log(`${'row'.padEnd(46)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)} ${'best cpu'.padStart(8)}   torch cpu / this   this / bare FFT`);
for (const row of rows) {
  const t = summary.get(row.key);
  if (t === undefined) continue;
  const torch = summary.get(rows.find((r) => r.group === row.group && r.kind === 'torch')!.key);
  const fft = summary.get(rows.find((r) => r.group === row.group && r.kind === 'fft')!.key)!;
  const vsTorch = torch && row.kind !== 'torch' ? `${(torch.cpu / t.cpu).toFixed(2)}×`.padStart(16) : ''.padStart(16);
  const vsFft = row.kind !== 'fft' ? `${(t.cpu / fft.cpu).toFixed(2)}×`.padStart(17) : ''.padStart(17);
  console.log(`${row.key.padEnd(46)} ${fmt(t.wall)} ${fmt(t.cpu)} ${fmt(t.best)} ${vsTorch} ${vsFft}`);
}
if (withTorch) console.log(`torch: ${torchVersion}`);
else console.log(`torch rows skipped: ${PYTHON} with torchaudio is not available`);
const auto = summary.get(autoName)!;
console.log(`target: auto ≤ 0.5 ms CPU per second of 48 kHz audio: ${auto.cpu <= 0.5 ? 'met' : 'NOT met'} (${auto.cpu.toFixed(3)} ms, median of ${ROUNDS} rounds)`);
