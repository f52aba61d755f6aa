/*
 * End-to-end `classify` latency of one second of audio (features + model + post-processing; decoding excluded),
 * median and p90, for the default model and an EfficientNet-B3 via onnxruntime-node, against the seed's path in
 * PyTorch measured in the same run (bench/torch_classify_ref.py: torchaudio MelSpectrogram + dB + torchvision
 * efficientnet_b3). Then `classifyBatch` throughput over real files (files/s, decoding included).
 *
 *   cd packages/pipelines && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/classify.bench.ts
 *
 * Options: --runs 50 --warmup 5 --threads 2 --files 40 [--default-model path] [--no-torch] [--json out.json]
 * B3: an untrained B3 (1 input channel, 59 labels, batch-norm calibrated) exported once by our exporter and cached
 * in the OS temp folder. When the bundled default model is missing, a calibrated untrained cnn_small stands in.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOISE_LABELS } from '@noise-classifier/config';
import { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, loadTf } from '@noise-classifier/models';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { parseManifest } from '../src/data/manifest';
import { defaultModelPath } from '../src/node/index';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { sharedDatasetPath } from '../../../tooling/shared-data';
import { benchArgs } from './bench-args';

const args = benchArgs();
const RUNS = Number(args.runs ?? 50);
const WARMUP = Number(args.warmup ?? 5);
const THREADS = Number(args.threads ?? 2);
const FILES = Number(args.files ?? 40);

async function untrainedModel(architecture: string): Promise<string> {
  const path = join(tmpdir(), `nc-bench-${architecture}-1ch-59.onnx`);
  if (existsSync(path)) return path;
  const tf = await loadTf();
  await tf.setBackend('cpu');
  const modelConfig = { architecture, labels: [...NOISE_LABELS], inputChannels: 1 as const };
  const model = await buildModel(modelConfig, {}, { seed: 1 });
  calibrateBatchNorm(model, tf, { batches: 1, batchSize: 4 });
  writeFileSync(path, exportOnnx(model, createModelMetadata({ modelConfig, featureConfig: {}, untrained: true })));
  model.dispose();
  return path;
}

/** Median and 90th percentile of the timings (NaN when there are none, e.g. --runs 0). */
function stats(times: number[]): { median: number; p90: number } {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, p90: s[Math.min(s.length - 1, Math.round(0.9 * (s.length - 1)))] ?? NaN };
}

/** A persistent PyTorch process answering "run N" with N timings (bench/torch_classify_ref.py --serve). */
async function startTorch(): Promise<{ run: (n: number) => Promise<[number, number][]>; version: string; close: () => void } | null> {
  if (args['no-torch']) return null;
  const script = fileURLToPath(new URL('./torch_classify_ref.py', import.meta.url));
  const child = spawn('/usr/bin/python3', [script, '--serve', '--threads', String(THREADS), '--warmup', String(WARMUP)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) {
    console.log('PyTorch reference unavailable');
    return null;
  }
  const hello = JSON.parse(first.value) as { torch: string };
  return {
    version: hello.torch,
    run: async (n) => {
      child.stdin!.write(`${n}\n`);
      const line = await lines.next();
      return JSON.parse(line.value) as [number, number][];
    },
    close: () => child.stdin!.end(),
  };
}

const AUDIO = Float32Array.from({ length: 48_000 }, (_, i) => 0.1 * Math.sin(i * 0.05) + 0.01 * Math.sin(i * 1.3));

/** [wall ms, process CPU ms (all threads, onnxruntime's included)] per call. CPU time is robust to other jobs. */
async function ourRuns(service: NoiseClassifierService, n: number): Promise<[number, number][]> {
  const times: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await service.classify(AUDIO, 48_000);
    const used = process.cpuUsage(c);
    times.push([performance.now() - t, (used.user + used.system) / 1000]);
  }
  return times;
}

async function throughput(service: NoiseClassifierService, files: Uint8Array[]): Promise<number> {
  await service.classifyBatch(files.slice(0, 2));
  const t = performance.now();
  await service.classifyBatch(files);
  return files.length / ((performance.now() - t) / 1000);
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; threads ${THREADS}; ${RUNS} runs after ${WARMUP} warm-up`);
  const defaultPath = args['default-model'] ?? (existsSync(defaultModelPath) ? defaultModelPath : null);
  const models: { name: string; path: string }[] = [
    defaultPath ? { name: 'default model', path: defaultPath } : { name: 'cnn_small (untrained stand-in for the default model)', path: await untrainedModel('cnn_small') },
    { name: 'efficientnet_b3 (untrained, 1 channel)', path: await untrainedModel('efficientnet_b3') },
  ];
  const esc = sharedDatasetPath('esc10/manifest.csv');
  const files = parseManifest(readFileSync(esc, 'utf8'), esc)
    .slice(0, FILES)
    .map((e) => new Uint8Array(readFileSync(e.file)));
  const rows: Record<string, unknown>[] = [];
  const torch = await startTorch();
  const torchTimes: [number, number][] = [];
  for (const [index, m] of models.entries()) {
    const service = await NoiseClassifierService.create({ modelPath: m.path, runtime: nodeRuntime, config: { numThreads: THREADS } });
    await ourRuns(service, WARMUP);
    // Blocks of 5 runs alternate with PyTorch's (B3 only), so both see the same machine load.
    const ours: [number, number][] = [];
    while (ours.length < RUNS) {
      ours.push(...(await ourRuns(service, 5)));
      if (torch && index === 1) torchTimes.push(...(await torch.run(5)));
    }
    const l = stats(ours.map((x) => x[0]));
    const cpu = stats(ours.map((x) => x[1]));
    const fps = await throughput(service, files);
    console.log(`${m.name} [${service.metadata.modelConfig.architecture}, ${service.backendName}]: classify(1 s) wall median ${l.median.toFixed(2)} ms, p90 ${l.p90.toFixed(2)} ms; CPU median ${cpu.median.toFixed(2)} ms; classifyBatch ${files.length} ESC-10 files (5 s each, decode included): ${fps.toFixed(1)} files/s`);
    rows.push({ model: m.name, architecture: service.metadata.modelConfig.architecture, medianMs: l.median, p90Ms: l.p90, cpuMedianMs: cpu.median, filesPerSecond: fps });
    await service.dispose();
  }
  let reference: { median: number; p90: number; cpuMedian: number } | null = null;
  if (torch) {
    torch.close();
    const wall = stats(torchTimes.map((x) => x[0]));
    reference = { ...wall, cpuMedian: stats(torchTimes.map((x) => x[1])).median };
    const b3 = rows[1] as { medianMs: number; p90Ms: number; cpuMedianMs: number };
    console.log(`PyTorch ${torch.version} (torchaudio + torchvision efficientnet_b3, ${THREADS} threads, interleaved): wall median ${reference.median.toFixed(2)} ms, p90 ${reference.p90.toFixed(2)} ms; CPU median ${reference.cpuMedian.toFixed(2)} ms`);
    console.log(`B3 speed-up vs PyTorch: wall ${(reference.median / b3.medianMs).toFixed(2)}× (median), ${(reference.p90 / b3.p90Ms).toFixed(2)}× (p90); CPU ${(reference.cpuMedian / b3.cpuMedianMs).toFixed(2)}× (median)`);
  }
  console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ threads: THREADS, runs: RUNS, rows, torch: reference }, null, 2));
}

await main();
