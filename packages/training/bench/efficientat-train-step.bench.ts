/**
 * Fine-tuning cost of EfficientAT mn04 (pretrained backbone from ../shared, new 10-class head): seconds per forward +
 * backward of the ONNX training graph in onnxruntime-node (session options as pipelines' onnxruntime gradient
 * engine: sequential, threads sleep between operators; every weight fed each step, as the engine does), against
 * PyTorch on the same network shape (research/replicas/torch_mn04_train_ref.py, our own transcription) in the same run.
 * Wall and process-CPU medians: the machine is shared, CPU time is the steadier figure.
 *
 *   cd packages/training && node --conditions=@noise-classifier/source --import tsx bench/efficientat-train-step.bench.ts [batch] [frames] [steps] [threads]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { buildEfficientAtMn, loadEfficientAtWeights, readSafetensors } from '@noise-classifier/models';
import { buildTrainingGraph } from '../src/graph/training-graph';
import { MN04_WEIGHTS } from '../test/helpers/efficientat-helpers';
import { tfWasm } from '../test/helpers/tf-wasm';

const [batch, frames, steps, threads] = [16, 256, 5, 1].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number, number, number];
const CLASSES = 10;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const tf = await tfWasm();
const model = buildEfficientAtMn(tf, { numClasses: CLASSES, inputShape: [128, frames, 1], dropout: 0, seed: 1 });
loadEfficientAtWeights(tf, model, readSafetensors(new Uint8Array(readFileSync(MN04_WEIGHTS)), { source: MN04_WEIGHTS }), { source: MN04_WEIGHTS, newHead: true });

async function onnxStep(trainable: 'all' | 'head') {
  const head = ['classifier_hidden/kernel', 'classifier_hidden/bias', 'logits/kernel', 'logits/bias'];
  const graph = buildTrainingGraph(model, trainable === 'head' ? { trainable: head } : {});
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1, intraOpNumThreads: threads,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  let seed = 1;
  const x = Float32Array.from({ length: batch * 128 * frames }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 1073741824 - 1));
  const y = new Float32Array(batch * CLASSES);
  for (let b = 0; b < batch; b++) y[b * CLASSES + (b % CLASSES)] = 1;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [batch, 1, 128, frames]),
      y: new ort.Tensor('float32', y, [batch, CLASSES]),
      w: new ort.Tensor('float32', new Float32Array(batch).fill(1 / batch), [batch]),
    };
    for (const weight of graph.weights) feeds[weight.name] = new ort.Tensor('float32', byName.get(weight.name)!.read().dataSync() as Float32Array, [...weight.shape]);
    await session.run(feeds);
    if (i > 0) { // step 0 warms up
      wall.push((performance.now() - t) / 1000);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1e6);
    }
  }
  await session.release();
  return { wall: median(wall), cpu: median(cpu), gradients: graph.weights.filter((w) => w.gradient).length };
}

console.log(`mn04 training step: batch ${batch} × 1×128×${frames}, ${threads} thread(s), ${steps} steps; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const all = await onnxStep('all');
const head = await onnxStep('head');
const script = fileURLToPath(new URL('../../../research/replicas/torch_mn04_train_ref.py', import.meta.url));
const torch = JSON.parse(execFileSync('/usr/bin/python3', [script, String(threads), String(batch), String(frames), String(steps)], { encoding: 'utf8' })) as { step_s: number; cpu_s: number; parameters: number };
console.log('| engine | trainable | wall s/step | CPU s/step |');
console.log('|---|---|---|---|');
console.log(`| onnxruntime-node (training graph) | all (${all.gradients} tensors) | ${all.wall.toFixed(3)} | ${all.cpu.toFixed(3)} |`);
console.log(`| onnxruntime-node (training graph) | head only (${head.gradients} tensors) | ${head.wall.toFixed(3)} | ${head.cpu.toFixed(3)} |`);
console.log(`| PyTorch ${'1.13'} (same shape, ${torch.parameters} parameters) | all | ${torch.step_s.toFixed(3)} | ${torch.cpu_s.toFixed(3)} |`);
console.log(`ours / PyTorch (all trainable): wall ${(all.wall / torch.step_s).toFixed(2)}, CPU ${(all.cpu / torch.cpu_s).toFixed(2)}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
model.dispose();
