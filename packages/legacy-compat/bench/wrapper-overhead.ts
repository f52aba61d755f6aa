/**
 * What the legacy wrappers cost on top of the new API, measured in one run on the same model and input:
 * NoiseClassifierV2.classify vs NoiseClassifierService.classify (1 s of 48 kHz audio), and MLService.classify_noise
 * (base64 WAV) vs service.classify(bytes). Prints medians, p90s and ratios. Also the custom-MLP training time on
 * tfjs's 'cpu' and 'wasm' backends (the NoiseClassifierTrainer example).
 * Usage: npm run bench -w @noise-classifier/legacy-compat
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MLService, NoiseClassifierTrainer, NoiseClassifierV2, silenceDeprecations } from '../src/index';
import { writeFixtures } from '../test/helpers/build-fixtures';

silenceDeprecations();
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

function stats(samples: number[]): { median: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const quantile = (q: number) => {
    const value = sorted[Math.floor(sorted.length * q)];
    if (value === undefined) throw new Error(`no samples to time (BENCH_RUNS=${RUNS})`);
    return value;
  };
  return { median: quantile(0.5), p90: quantile(0.9) };
}

/** Times two calls alternately (A, B, A, B…) so machine load hits both alike; prints both and B/A. */
async function compare(labelA: string, a: () => Promise<unknown>, labelB: string, b: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  const [sa, sb] = [stats(ta), stats(tb)];
  console.log(`${labelA.padEnd(46)} median ${sa.median.toFixed(2)} ms   p90 ${sa.p90.toFixed(2)} ms`);
  console.log(`${labelB.padEnd(46)} median ${sb.median.toFixed(2)} ms   p90 ${sb.p90.toFixed(2)} ms`);
  console.log(`  ratio (medians): ${(sb.median / sa.median).toFixed(3)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'legacy-compat-bench-'));
try {
  await writeFixtures(dir);
  const modelPath = join(dir, 'model.onnx');
  const wav = new Uint8Array(readFileSync(join(dir, 'clip.wav')));
  const wavBase64 = Buffer.from(wav).toString('base64');
  const audio = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin(i * 0.37) * 0.3 + Math.sin(i * 0.011) * 0.2);

  const service = await NoiseClassifierService.create({ config: { modelPath }, runtime: nodeRuntime });
  const v2 = await NoiseClassifierV2.create(modelPath, 'cpu', { runtime: nodeRuntime });
  const ml = new MLService({ modelPath, runtime: nodeRuntime });

  console.log(`classification (untrained cnn_small, onnxruntime-node, ${RUNS} runs after 5 warm-up)`);
  await compare('NoiseClassifierService.classify (1 s, 48 kHz)', () => service.classify(audio, 48_000, { topK: 5 }),
    'NoiseClassifierV2.classify (same)', () => v2.classify(audio, 48_000, 5));
  await compare('service.classify(WAV bytes: 3 s, 44.1 kHz)', () => service.classify(wav),
    'MLService.classify_noise(same, base64)', () => ml.classify_noise(wavBase64));
  await Promise.all([service.dispose(), v2.dispose(), ml.dispose()]);

  console.log('NoiseClassifierTrainer: seed MLP 80→512→256→5, 30 vectors, 15 epochs, batch 8');
  const x = Array.from({ length: 30 }, (_, i) => Float32Array.from({ length: 80 }, (_, d) => Math.sin(i * 7 + d) + (d % 5 === i % 5 ? 1 : 0)));
  const y = Array.from({ length: 30 }, (_, i) => i % 5);
  const trainSeconds = async (backend: 'wasm' | 'cpu'): Promise<number> => {
    await tf.setBackend(backend);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [80], units: 512, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 256, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 5 }),
      ],
    });
    const t0 = performance.now();
    await new NoiseClassifierTrainer(model).train({ features: x, labels: y }, undefined, { num_epochs: 15, batch_size: 8, learning_rate: 1e-3 });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`  tfjs '${backend}' backend: ${seconds.toFixed(2)} s`);
    model.dispose();
    return seconds;
  };
  const wasmSeconds = await trainSeconds('wasm');
  const cpuSeconds = await trainSeconds('cpu');
  console.log(`  ratio cpu / wasm: ${(cpuSeconds / wasmSeconds).toFixed(1)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
