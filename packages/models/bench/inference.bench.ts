/*
 * Inference latency of our EfficientNet B0/B3 exports on every backend, against PyTorch in the same run.
 *
 *   cd packages/models && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/inference.bench.ts
 *
 * Options: --runs 50 --warmup 5 --archs b0,b3 --batches 1,16 --threads 1,2
 *          --backends onnxruntime-node,onnxruntime-web,tfjs --tfjs-runs 10 --no-torch --json out.json
 *          --web-runs N --torch-runs N --torch-threads 1,2   (default: --runs / --threads; to fit slow cases in time)
 *
 * What is measured: median and p90 of `session.run` wall time (input already in memory, logits copied out) after
 * warm-up, for untrained networks whose batch-norm statistics are calibrated on random input (see
 * calibrateBatchNorm: uncalibrated deep nets run on denormal floats and time the wrong thing).
 * Each (backend, threads) pair runs in its own child process: onnxruntime-web and tfjs fix their thread count
 * process-wide. Within onnxruntime-node, our graph and PyTorch's exported graph of the same torchvision network
 * are timed interleaved run by run, so machine load hits both alike. PyTorch itself runs through
 * bench/torch_ref.py (/usr/bin/python3, torchvision) which also exports those graphs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceBackend, InferenceSession, ModelSource } from '../src/index';

interface Row {
  runtime: string;
  model: string;
  arch: string;
  threads: number;
  batch: number;
  runs: number;
  medianMs: number;
  p90Ms: number;
  /** Median process CPU time per run (all threads): robust to other jobs on a shared machine. */
  cpuMedianMs?: number;
  note?: string;
}

interface WorkerSpec {
  backend: 'onnxruntime-node' | 'onnxruntime-web' | 'tfjs';
  threads: number;
  batches: number[];
  runs: number;
  warmup: number;
  /** label → file (ONNX) or directory (tfjs format) */
  models: { label: string; arch: string; path: string }[];
}

const args = parseArgs(process.argv.slice(2));

if (args.worker) {
  await runWorker(JSON.parse(String(args.worker)) as WorkerSpec);
} else {
  await main();
}

async function main(): Promise<void> {
  const runs = Number(args.runs ?? 50);
  const warmup = Number(args.warmup ?? 5);
  const tfjsRuns = Number(args['tfjs-runs'] ?? 10);
  const webRuns = Number(args['web-runs'] ?? runs);
  const torchRuns = Number(args['torch-runs'] ?? runs);
  const archs = String(args.archs ?? 'b0,b3').split(',');
  const batches = String(args.batches ?? '1,16').split(',').map(Number);
  const threads = String(args.threads ?? '1,2').split(',').map(Number);
  const backends = String(args.backends ?? 'onnxruntime-node,onnxruntime-web,tfjs').split(',') as WorkerSpec['backend'][];
  const dir = mkdtempSync(join(tmpdir(), 'nc-bench-'));
  const started = new Date();
  const load0 = loadavg();
  try {
    console.error(`exporting ${archs.join(', ')} (untrained, batch-norm calibrated, 3 input channels) to ${dir}`);
    await exportOurs(archs, dir);

    const rows: Row[] = [];
    const torchOnnx: Record<string, string> = {};
    if (!args['no-torch']) {
      console.error('running PyTorch (bench/torch_ref.py) …');
      const out = execFileSync(
        '/usr/bin/python3',
        [fileURLToPath(new URL('./torch_ref.py', import.meta.url)), '--archs', archs.join(','), '--threads', String(args['torch-threads'] ?? threads.join(',')),
          '--batches', batches.join(','), '--runs', String(torchRuns), '--warmup', String(Math.min(warmup, torchRuns)), '--onnx-dir', dir],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
      );
      const ref = JSON.parse(out) as { torch: string; results: (Row & { params: number })[]; onnx: Record<string, string> };
      for (const r of ref.results) rows.push({ ...r, runtime: `pytorch ${ref.torch}`, model: `torchvision ${r.arch}` });
      Object.assign(torchOnnx, ref.onnx);
    }

    for (const backend of backends) {
      for (const t of threads) {
        const models = archs.flatMap((arch) => [
          { label: `ours ${arch}`, arch, path: join(dir, backend === 'tfjs' ? `ours_${arch}.tfjs` : `ours_${arch}.onnx`) },
          ...(backend !== 'tfjs' && torchOnnx[arch] ? [{ label: `torchvision ${arch} (PyTorch export)`, arch, path: torchOnnx[arch] }] : []),
        ]);
        const spec: WorkerSpec = { backend, threads: t, batches, runs: backend === 'tfjs' ? tfjsRuns : backend === 'onnxruntime-web' ? webRuns : runs, warmup: backend === 'tfjs' ? 2 : warmup, models };
        console.error(`${backend}, ${t} thread(s) …`);
        const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--worker', JSON.stringify(spec)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 1 << 24,
        });
        if (child.status !== 0) throw new Error(`${backend} worker failed (exit ${child.status})`);
        rows.push(...(JSON.parse(child.stdout.trim().split('\n').pop()!) as Row[]));
      }
    }

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load1(load0)} → ${load1(loadavg())}`;
    printReport(rows, { machine, started, runs, tfjsRuns, webRuns, torchRuns });
    if (args.json) writeFileSync(String(args.json), JSON.stringify({ machine, started, rows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function exportOurs(archs: string[], dir: string): Promise<void> {
  const { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, loadTf, saveTfjsModel } = await import('../src/index');
  const tf = await loadTf();
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  for (const arch of archs) {
    const modelConfig = { architecture: `efficientnet_${arch}`, inputChannels: 3 as const };
    const model = await buildModel(modelConfig, {}, { seed: 1 });
    calibrateBatchNorm(model, tf, { batches: 2, batchSize: 4 });
    const metadata = createModelMetadata({ modelConfig, featureConfig: {}, untrained: true });
    writeFileSync(join(dir, `ours_${arch}.onnx`), exportOnnx(model, metadata));
    const files = await saveTfjsModel(model, metadata);
    mkdirSync(join(dir, `ours_${arch}.tfjs`));
    writeFileSync(join(dir, `ours_${arch}.tfjs`, 'model.json'), files.modelJson);
    writeFileSync(join(dir, `ours_${arch}.tfjs`, 'weights.bin'), files.weightsBin);
    model.dispose();
  }
}

async function runWorker(spec: WorkerSpec): Promise<void> {
  const { backend, note } = await makeBackend(spec);
  await backend.init();
  const sessions: { label: string; arch: string; session: InferenceSession }[] = [];
  for (const m of spec.models) {
    const source: ModelSource = spec.backend === 'tfjs'
      ? { format: 'tfjs', model: { modelJson: readFileSync(join(m.path, 'model.json'), 'utf8'), weightsBin: new Uint8Array(readFileSync(join(m.path, 'weights.bin'))) } }
      : { format: 'onnx', bytes: new Uint8Array(readFileSync(m.path)) };
    sessions.push({ label: m.label, arch: m.arch, session: await backend.createSession(source, { numThreads: spec.threads }) });
  }
  const rows: Row[] = [];
  for (const batch of spec.batches) {
    // Per arch, time our graph and PyTorch's interleaved run by run so load changes hit both.
    for (const arch of [...new Set(sessions.map((s) => s.arch))]) {
      const group = sessions.filter((s) => s.arch === arch);
      const shape = [batch, 3, 128, 128] as const;
      const input = new Float32Array(shape.reduce((a, b) => a * b));
      // N(0, 1)-like values (std ≈ 1): calibrated random networks are only well-behaved on such input (see calibrateBatchNorm).
      for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 12.9898) * Math.SQRT2;
      const timed = group.map((s) => ({ ...s, times: [] as number[], cpu: [] as number[] }));
      for (let i = 0; i < spec.warmup; i++) for (const s of group) await s.session.run(input, shape);
      for (let i = 0; i < spec.runs; i++) {
        for (const s of timed) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await s.session.run(input, shape);
          s.times.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          s.cpu.push((c.user + c.system) / 1000);
        }
      }
      for (const s of timed) {
        rows.push({
          runtime: spec.backend, model: s.label, arch, threads: spec.threads, batch, runs: spec.runs,
          medianMs: quantile(s.times, 0.5), p90Ms: quantile(s.times, 0.9), cpuMedianMs: quantile(s.cpu, 0.5), ...(note ? { note } : {}),
        });
        console.error(`  ${spec.backend} ${s.label} threads=${spec.threads} batch=${batch}: median ${quantile(s.times, 0.5).toFixed(2)} ms`);
      }
    }
  }
  for (const s of sessions) await s.session.dispose();
  console.log(JSON.stringify(rows));
}

async function makeBackend(spec: WorkerSpec): Promise<{ backend: InferenceBackend; note?: string }> {
  // The runtime packages depend on this one; a computed specifier keeps the bench out of the package graph
  // (no models → runtime-* edge, no cycle) while still timing their real backends.
  const runtime = async (name: string, factory: string): Promise<(o?: object) => InferenceBackend> => {
    const exports = (await import(['@noise-classifier', name].join('/'))) as Record<string, unknown>;
    const create = exports[factory];
    if (typeof create !== 'function') throw new Error(`@noise-classifier/${name} exports no ${factory}`);
    return create as (o?: object) => InferenceBackend;
  };
  if (spec.backend === 'onnxruntime-node') {
    return { backend: (await runtime('runtime-node', 'createOnnxRuntimeNodeBackend'))() };
  }
  if (spec.backend === 'onnxruntime-web') {
    return { backend: (await runtime('runtime-web', 'createOnnxRuntimeWebBackend'))({ numThreads: spec.threads }) };
  }
  const { createTfjsBackend, loadTf } = await import('../src/index');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setThreadsCount(spec.threads);
  const backend = createTfjsBackend({ device: 'wasm' });
  await backend.init();
  // tfjs-backend-wasm only runs threads where SharedArrayBuffer workers are set up for it; report what it used.
  const used = (await loadTf()).getBackend() === 'wasm' ? wasm.getThreadsCount() : 0;
  return { backend, note: used === spec.threads ? undefined : `tfjs-wasm used ${used} thread(s)` };
}

/** NaN when nothing was timed (--runs 0). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] ?? Number.NaN;
}

/** The 1-minute figure of os.loadavg() (always three numbers; zeros on Windows). */
function load1([oneMinute = 0]: readonly number[]): string {
  return oneMinute.toFixed(1);
}

function printReport(rows: Row[], info: { machine: string; started: Date; runs: number; tfjsRuns: number; webRuns: number; torchRuns: number }): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => x.toFixed(2).padStart(9);
  console.log(`\nInference latency, ${info.started.toISOString()} — ${info.machine}`);
  console.log(`runs after warm-up: onnxruntime-node ${info.runs}, onnxruntime-web ${info.webRuns}, tfjs ${info.tfjsRuns}, PyTorch ${info.torchRuns}; input [batch, 3, 128, 128]; 59 classes\n`);
  console.log(`${pad('runtime', 22)}${pad('model', 34)}${pad('thr', 5)}${pad('batch', 7)}${'median ms'.padStart(9)}${'p90 ms'.padStart(9)}${'CPU ms'.padStart(9)}  note`);
  for (const r of rows) {
    const cpu = r.cpuMedianMs === undefined ? ''.padStart(9) : num(r.cpuMedianMs);
    console.log(`${pad(r.runtime, 22)}${pad(r.model, 34)}${pad(String(r.threads), 5)}${pad(String(r.batch), 7)}${num(r.medianMs)}${num(r.p90Ms)}${cpu}  ${r.note ?? ''}`);
  }
  console.log('(median ms / p90 ms: wall time per run; CPU ms: median process CPU time per run, all threads)');
  const find = (runtime: (s: string) => boolean, model: (s: string) => boolean, arch: string, threads: number, batch: number) =>
    rows.find((r) => runtime(r.runtime) && model(r.model) && r.arch === arch && r.threads === threads && r.batch === batch);
  console.log('\nRatios (median): PyTorch ÷ ours on onnxruntime-node (speed-up, target ≥ 2), ours ÷ PyTorch-exported graph on the same runtime (target ≤ 1)');
  // One line per configuration measured on onnxruntime-node (PyTorch may have run fewer thread counts).
  for (const ours of rows.filter((x) => x.runtime === 'onnxruntime-node' && x.model.startsWith('ours'))) {
    const r = find((s) => s.startsWith('pytorch'), () => true, ours.arch, ours.threads, ours.batch);
    const theirs = find((s) => s === 'onnxruntime-node', (s) => s.startsWith('torchvision'), ours.arch, ours.threads, ours.batch);
    const oursWeb = find((s) => s === 'onnxruntime-web', (s) => s.startsWith('ours'), ours.arch, ours.threads, ours.batch);
    const theirsWeb = find((s) => s === 'onnxruntime-web', (s) => s.startsWith('torchvision'), ours.arch, ours.threads, ours.batch);
    const parts = [`${ours.arch} threads=${ours.threads} batch=${String(ours.batch).padEnd(2)}:`];
    if (r) parts.push(`PyTorch/ours(ort-node) = ${(r.medianMs / ours.medianMs).toFixed(2)}× wall`);
    if (r?.cpuMedianMs && ours.cpuMedianMs) parts.push(`${(r.cpuMedianMs / ours.cpuMedianMs).toFixed(2)}× CPU`);
    if (theirs) parts.push(`ours/PyTorch-graph (ort-node) = ${(ours.medianMs / theirs.medianMs).toFixed(3)} wall, ${((ours.cpuMedianMs ?? 0) / (theirs.cpuMedianMs ?? 1)).toFixed(3)} CPU`);
    if (oursWeb && theirsWeb) parts.push(`(ort-web) = ${(oursWeb.medianMs / theirsWeb.medianMs).toFixed(3)} wall`);
    console.log(`  ${parts.join('  ')}`);
  }
  const b3 = find((s) => s === 'onnxruntime-node', (s) => s.startsWith('ours'), 'b3', 2, 1);
  if (b3) console.log(`\nTarget: ours B3, batch 1, onnxruntime-node, 2 threads ≤ 8 ms → ${b3.medianMs.toFixed(2)} ms ${b3.medianMs <= 8 ? 'OK' : 'MISSED'}`);
}

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}
