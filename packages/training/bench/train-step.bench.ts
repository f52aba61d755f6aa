/**
 * Training-step benchmark: seconds per step (forward, backward, AdamW update) for 16 log-mel windows of 128×128,
 * for `cnn_small` (the PyTorch reference CNN's layout) and EfficientNet-B0, on our two gradient engines —
 * onnxruntime (the training graph, 1 and 2 threads) and tfjs (wasm + our backward kernels, or tfjs-node when
 * installed) — and on PyTorch at the same thread counts, in the same run.
 *
 *   cd packages/training && node --conditions=@noise-classifier/source --import tsx bench/train-step.bench.ts [steps] [onnxruntime|tfjs|all]
 *
 * Prints tables with the ratio ours / PyTorch (target ≤ 2) and the load average (the machine is shared: other
 * processes on a core slow multi-threaded runs, PyTorch's spinning OpenMP threads most). Needs /usr/bin/python3
 * with torch for the reference.
 */
import { loadavg } from 'node:os';
import * as ortModule from 'onnxruntime-node';
import type { OrtModuleLike } from '@noise-classifier/models';
import { createOnnxGradientEngine } from '../src/onnx-gradient-engine';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '@noise-classifier/models';
import { createModelConfig } from '@noise-classifier/config';
import { AdamW } from '../src/adamw';
import { Trainer } from '../src/trainer';
import { examplesSource } from '../src/window-source';
import { selectTrainingBackend } from '../src/training-backend';

const steps = Number(process.argv[2] ?? 5);
const which = process.argv[3] ?? 'all';
const BATCH = 16;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * Median seconds per step with the onnxruntime gradient engine plus our AdamW update (PyTorch's step has its
 * optimiser too), and the median of the gradient part alone.
 */
async function onnxStepSeconds(architecture: string, threads: number): Promise<{ step: number; gradients: number }> {
  const labels = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const model = await buildModel(createModelConfig({ architecture, labels, dropout: 0.2 }), {}, { tf, seed: 1 });
  const engine = await createOnnxGradientEngine(model, { ort: ortModule as unknown as OrtModuleLike, tf, threads });
  const params = model.trainableWeights.map((w) => ({ key: w.originalName, variable: w.read() as tf.Variable }));
  const opt = new AdamW(tf, { learningRate: 1e-3, weightDecay: 1e-4 });
  let seed = 1;
  const x = Float32Array.from({ length: BATCH * 128 * 128 }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 1073741824 - 1));
  const y = new Float32Array(BATCH * 10);
  for (let b = 0; b < BATCH; b++) y[b * 10 + (b % 10)] = 1;
  const batch = { x, y, w: new Float32Array(BATCH).fill(1 / BATCH), hard: Int32Array.from({ length: BATCH }, (_, b) => b % 10), size: BATCH };
  const times: number[] = [];
  const gradTimes: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = performance.now();
    const { grads } = await engine.compute(batch, i);
    const g = performance.now();
    opt.applyGradients(params, grads);
    tf.dispose(Object.values(grads));
    await params[0]!.variable.data();
    if (i > 0) { // step 0 warms up (allocations, weight packing)
      times.push((performance.now() - t) / 1000);
      gradTimes.push((g - t) / 1000);
    }
  }
  await engine.dispose();
  opt.dispose();
  model.dispose();
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { step: median(times), gradients: median(gradTimes) };
}

async function tfjsStepSeconds(architecture: string): Promise<number> {
  const labels = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const model = await buildModel(createModelConfig({ architecture, labels, dropout: 0.2 }), {}, { tf, seed: 1 });
  const params = model.trainableWeights.map((w) => ({ key: w.originalName, variable: w.read() as tf.Variable }));
  const opt = new AdamW(tf, { learningRate: 1e-3, weightDecay: 1e-4 });
  const x = tf.randomNormal([BATCH, 128, 128, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10);
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = performance.now();
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      params.map((p) => p.variable),
    );
    opt.applyGradients(params, grads);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    if (i > 0) times.push((performance.now() - t) / 1000); // step 0 warms up (kernel setup, XNNPACK packing)
  }
  opt.dispose();
  tf.dispose([x, y]);
  model.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Seconds per step through the Trainer (batch assembly, loss, AdamW) on one thread. */
async function trainerStepSeconds(architecture: string): Promise<number> {
  const labels = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const model = await buildModel(createModelConfig({ architecture, labels, dropout: 0.2 }), {}, { tf, seed: 1 });
  const inputs = Array.from({ length: BATCH * steps }, (_, i) => Float32Array.from({ length: 128 * 128 }, (_, k) => Math.sin(k * ((i % 10) + 1) * 1e-3)));
  const data = examplesSource({ inputs, labels: inputs.map((_, i) => i % 10), classNames: labels, inputShape: [1, 128, 128] });
  const config = { numEpochs: 1, batchSize: BATCH, device: 'wasm', learningRate: 1e-3 } as const;
  const options = { tf };
  const warm = new Trainer(model, config, options);
  await warm.fit(examplesSource({ ...data, inputs: inputs.slice(0, BATCH), labels: data.targets.slice(0, BATCH), classNames: labels, inputShape: [1, 128, 128] } as never), null);
  warm.dispose();
  const trainer = new Trainer(model, config, options);
  const t = performance.now();
  await trainer.fit(data, null);
  const seconds = (performance.now() - t) / 1000 / steps;
  trainer.dispose();
  model.dispose();
  return seconds;
}

function torchStepSeconds(threads: number, passive = false): { reference_cnn_s: number; efficientnet_b0_s: number } | null {
  const script = fileURLToPath(new URL('../../../research/replicas/torch_train_ref.py', import.meta.url));
  try {
    // passive: OpenMP threads sleep between parallel regions, as our engine's do (fairer when a core is busy).
    const env = passive ? { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } : process.env;
    const out = execFileSync('/usr/bin/python3', [script, String(threads), String(steps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env });
    return JSON.parse(out.trim().split('\n').pop()!) as { reference_cnn_s: number; efficientnet_b0_s: number };
  } catch {
    return null;
  }
}

const backend = await selectTrainingBackend(tf, 'auto');
if (which === 'onnxruntime' || which === 'all') {
  console.log(`onnxruntime engine, batch ${BATCH} × 1×128×128, median of ${steps} steps; load average at start: ${load()}`);
  type Ref = { reference_cnn_s: number; efficientnet_b0_s: number };
  const ref: Record<number, { best: Ref | null; runs: Ref[] }> = {};
  const ours: Record<string, { step: number; gradients: number }> = {};
  for (const threads of [1, 2]) {
    // PyTorch runs before and after ours, with OpenMP's default (spinning) and passive waiting; its best run is
    // its figure, so a busy core slows the reference no more than it slows ours.
    const runs: Ref[] = [];
    const torch = (passive: boolean) => {
      const r = torchStepSeconds(threads, passive);
      if (r) runs.push(r);
    };
    torch(false);
    torch(true);
    for (const arch of ['cnn_small', 'efficientnet_b0']) ours[`${arch}/${threads}`] = await onnxStepSeconds(arch, threads);
    torch(false);
    torch(true);
    const best = runs.length === 0 ? null : {
      reference_cnn_s: Math.min(...runs.map((r) => r.reference_cnn_s)),
      efficientnet_b0_s: Math.min(...runs.map((r) => r.efficientnet_b0_s)),
    };
    ref[threads] = { best, runs };
  }
  console.log('| model | threads | ours s/step (gradients only) | ours samples/s | PyTorch s/step (best of 4) | ours / PyTorch |');
  console.log('|---|---|---|---|---|---|');
  for (const threads of [1, 2]) {
    for (const [arch, key] of [['cnn_small', 'reference_cnn_s'], ['efficientnet_b0', 'efficientnet_b0_s']] as const) {
      const o = ours[`${arch}/${threads}`]!;
      const r = ref[threads]?.best?.[key];
      console.log(`| ${arch} | ${threads} | ${o.step.toFixed(3)} (${o.gradients.toFixed(3)}) | ${(BATCH / o.step).toFixed(1)} | ${r === undefined ? 'n/a' : r.toFixed(3)} | ${r === undefined ? 'n/a' : (o.step / r).toFixed(2)} |`);
    }
  }
  for (const threads of [1, 2]) {
    const runs = ref[threads]?.runs ?? [];
    console.log(`PyTorch runs at ${threads} thread(s) (spinning, passive, spinning, passive): ${runs.map((r) => `${r.reference_cnn_s.toFixed(3)}/${r.efficientnet_b0_s.toFixed(3)}`).join(', ')}`);
  }
  console.log(`load average at end: ${load()}`);
  if (which === 'onnxruntime') process.exit(0);
  console.log('');
}
const threads = backend === 'wasm' || backend === 'cpu' ? 1 : 2;
const torchBefore = torchStepSeconds(threads);
const cnn = await tfjsStepSeconds('cnn_small');
const b0 = await tfjsStepSeconds('efficientnet_b0');
const torchAfter = torchStepSeconds(threads);
// PyTorch runs before and after ours; the better of the two is its figure (the machine is shared).
const torch = torchBefore && torchAfter
  ? { reference_cnn_s: Math.min(torchBefore.reference_cnn_s, torchAfter.reference_cnn_s), efficientnet_b0_s: Math.min(torchBefore.efficientnet_b0_s, torchAfter.efficientnet_b0_s) }
  : torchBefore ?? torchAfter;
const row = (name: string, ours: number, ref: number | undefined) =>
  `| ${name} | ${ours.toFixed(3)} | ${(BATCH / ours).toFixed(1)} | ${ref === undefined ? 'n/a' : ref.toFixed(3)} | ${ref === undefined ? 'n/a' : (ours / ref).toFixed(2)} |`;
console.log(`backend: ${backend}, threads: ${threads}, batch ${BATCH} × 1×128×128, median of ${steps} steps`);
console.log('| model | ours s/step | ours samples/s | PyTorch s/step | ours / PyTorch |');
console.log('|---|---|---|---|---|');
console.log(row('cnn_small (reference CNN)', cnn, torch?.reference_cnn_s));
console.log(row('efficientnet_b0', b0, torch?.efficientnet_b0_s));
if (!torch) console.log('PyTorch reference not available (/usr/bin/python3 with torch and torchvision needed).');

// The whole Trainer step (the worker-thread helper that computed half of each batch was removed: 0.93–1.29× here).
const oneThread = await trainerStepSeconds('cnn_small');
console.log('');
console.log(`cnn_small through the Trainer (batch assembly, loss, AdamW), mean of ${steps} steps:`);
console.log('| cores | ours s/step | PyTorch s/step | ours / PyTorch |');
console.log('|---|---|---|---|');
console.log(`| 1 (main thread) | ${oneThread.toFixed(3)} | ${torch ? torch.reference_cnn_s.toFixed(3) : 'n/a'} | ${torch ? (oneThread / torch.reference_cnn_s).toFixed(2) : 'n/a'} |`);
