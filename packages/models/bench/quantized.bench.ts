/*
 * fp32 vs quantised forms of one ONNX model: file size and inference latency, interleaved run by run so machine
 * load hits every variant alike. The first file is the reference (fp32); make the others with
 * `noise-classifier export --quantize int8|int8-weights|fp16 --model fp32.onnx --data … --out …`.
 *
 *   cd packages/models && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/quantized.bench.ts \
 *     fp32.onnx int8.onnx int8-weights.onnx fp16.onnx [--runs 200] [--batches 1,8] [--threads 1] [--web]
 *
 * onnxruntime-node runs with the options of our Node backend (graph optimisation 'all', sequential, intra-op
 * threads as given). `--web` also times onnxruntime-web's WebAssembly CPU backend in this Node process (the
 * browser's kernels, without the browser).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { readOnnxModelInfo } from '../src/index';

type Ort = typeof import('onnxruntime-node');
interface Variant { label: string; bytes: Uint8Array }
interface Timed { label: string; runtime: string; batch: number; times: number[]; size: number }

const argv = process.argv.slice(2);
const files = argv.filter((a, i) => !a.startsWith('--') && !(argv[i - 1]?.startsWith('--') && argv[i - 1] !== '--web'));
const args = Object.fromEntries(argv.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), argv[i + 1] === undefined || argv[i + 1]!.startsWith('--') ? 'true' : argv[i + 1]!]] : [])));
if (files.length < 2) {
  console.error('usage: quantized.bench.ts fp32.onnx quantised.onnx… [--runs N] [--batches 1,8] [--threads 1] [--web]');
  process.exit(2);
}
const runs = Number(args.runs ?? 200);
const batches = String(args.batches ?? '1,8').split(',').map(Number);
const threads = Number(args.threads ?? 1);

const variants: Variant[] = files.map((f, i) => ({ label: i === 0 ? 'fp32' : basename(f, '.onnx'), bytes: new Uint8Array(readFileSync(f)) }));
const fp32 = variants[0]!.bytes;
const modelPath = files[0];
const [, channels, height, width] = readOnnxModelInfo(fp32).inputs[0]!.shape as number[];

console.log(`model ${modelPath}; ${runs} runs per cell after 10 warm-up runs; ${threads} thread(s); ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
const results: Timed[] = [];
const nodeOrt = (await import('onnxruntime-node')) as Ort;
results.push(...(await timeRuntime('onnxruntime-node', nodeOrt, () => ({
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1, intraOpNumThreads: threads,
}))));
if (args.web) {
  const webOrt = (await import('onnxruntime-web')) as unknown as Ort & { env: { wasm: { numThreads: number } } };
  webOrt.env.wasm.numThreads = threads;
  results.push(...(await timeRuntime('onnxruntime-web (wasm, in Node)', webOrt, () => ({ executionProviders: ['wasm'], graphOptimizationLevel: 'all' }))));
}

console.log('\n| runtime | batch | variant | file | median ms | p90 ms | vs fp32 |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const base = results.find((x) => x.runtime === r.runtime && x.batch === r.batch && x.label === 'fp32')!;
  console.log(
    `| ${r.runtime} | ${r.batch} | ${r.label} | ${(r.size / 1e6).toFixed(2)} MB | ${median(r.times).toFixed(2)} | ${quantile(r.times, 0.9).toFixed(2)} | ${(median(r.times) / median(base.times)).toFixed(2)}× |`,
  );
}

async function timeRuntime(runtime: string, ort: Ort, options: () => object): Promise<Timed[]> {
  const chosen = variants;
  const sessions = [];
  for (const v of chosen) sessions.push(await ort.InferenceSession.create(v.bytes, options() as never));
  const out: Timed[] = [];
  for (const batch of batches) {
    const data = new Float32Array(batch * channels! * height! * width!);
    for (let i = 0; i < data.length; i++) data[i] = -60 + 40 * Math.sin(i * 0.37) * Math.cos(i * 0.011); // dB-like
    const feeds = sessions.map((s) => ({ [s.inputNames[0]!]: new ort.Tensor('float32', data, [batch, channels!, height!, width!]) }));
    const cells = chosen.map((v) => ({ label: v.label, runtime, batch, times: [] as number[], size: v.bytes.byteLength }));
    for (let run = -10; run < runs; run++) {
      for (let k = 0; k < sessions.length; k++) {
        const t0 = performance.now();
        await sessions[k]!.run(feeds[k]!);
        if (run >= 0) cells[k]!.times.push(performance.now() - t0);
      }
    }
    out.push(...cells);
  }
  for (const s of sessions) await s.release();
  return out;
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
