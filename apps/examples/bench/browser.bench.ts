/**
 * Browser latency of the demo's runtime (onnxruntime-web, WebAssembly) in headless Debian Chromium, next to
 * onnxruntime-node on the same model in the same run:
 *   - per-model forward pass of one 128×128 window (batch 1) and of 8 windows, after a 30-run warm-up (V8 tiers the
 *     wasm module up in the background), 1 and 2 threads (cross-origin isolated page);
 *   - cold start: navigation → first classification result of a real clip (fresh profile each time).
 *
 *   npx tsx --conditions=@noise-classifier/source bench/browser.bench.ts <dir with *.onnx> [model.onnx ...]
 *   (make models with bench/make-models.ts)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { buildDemo, launchChromium, type DemoState } from '../test/helpers/browser';
import { useExampleModel } from '../test/helpers/model';
import { startStaticServer } from '../web/serve-static';
import { SHARED_CLIPS, sharedDatasetPath } from '../../../tooling/shared-data';

const [modelDirArg, ...models] = process.argv.slice(2);
if (!modelDirArg || models.length === 0) {
  console.error('usage: browser.bench.ts <model-dir> <model.onnx>...');
  process.exit(2);
}
const modelDir: string = modelDirArg;
const RUNS = Number(process.env.RUNS ?? 30);
const clip = sharedDatasetPath(SHARED_CLIPS.dogBark);

type Bench = (url: string, runs: number, batch: number, warmup?: number) => Promise<{ medianMs: number; p90Ms: number }>;

async function nodeLatency(file: string): Promise<number> {
  const service = await NoiseClassifierService.create({ runtime: nodeRuntime, model: new Uint8Array(await readFile(file)) });
  const fc = service.featureConfig;
  const channels = service.metadata.modelConfig.inputChannels ?? 1;
  // The same input as the page's benchmark.
  const data = new Float32Array(channels * fc.spectrogramHeight * fc.spectrogramWidth).map((_, i) => Math.sin(i * 12.9898) * 1.5);
  const one = { data, count: 1, channels, height: fc.spectrogramHeight, width: fc.spectrogramWidth, startFrames: [0], validFrames: [fc.spectrogramWidth] };
  for (let i = 0; i < 30; i++) await service.predictWindows(one);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await service.predictWindows(one);
    times.push(performance.now() - t);
  }
  await service.dispose();
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  if (median === undefined) throw new Error('nodeLatency: no runs timed');
  return median;
}

async function main() {
  await useExampleModel();
  const dist = await buildDemo();
  const server = await startStaticServer({ dirs: [dist, path.resolve(modelDir)] });
  const rows: Record<string, unknown>[] = [];
  try {
    // Cold start, three fresh browsers.
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await page.goto(server.url);
        await page.waitForSelector('#status[data-state="ready"]', { timeout: 120_000 });
        await page.setInputFiles('#file', clip);
        await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.coldStartMs !== undefined, undefined, { timeout: 120_000 });
        cold.push((await page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo.coldStartMs))!);
      } finally {
        await browser.close();
      }
    }
    cold.sort((a, b) => a - b);
    console.log(`cold start (navigation → first result, default model): median ${cold[Math.floor(cold.length / 2)]?.toFixed(0) ?? 'n/a'} ms (${cold.map((c) => c.toFixed(0)).join(', ')})`);

    const browser = await launchChromium();
    try {
      for (const threads of (process.env.THREADS ?? '1,2').split(',').map(Number)) {
        const page = await browser.context.newPage();
        await page.goto(`${server.url}?threads=${threads}`);
        await page.waitForSelector('#status[data-state="ready"]', { timeout: 120_000 });
        const info = await page.evaluate(() => ({ isolated: globalThis.crossOriginIsolated, webgpu: 'gpu' in navigator && !!(navigator as { gpu?: unknown }).gpu }));
        for (const model of models) {
          const bench = (batch: number) =>
            page.evaluate(
              ([url, runs, b]) => ((window as unknown as { __demo: { benchmark: Bench } }).__demo.benchmark)(url as string, runs as number, b as number, 30),
              [`./${model}`, RUNS, batch] as const,
            );
          const r = await bench(1);
          const r8 = await bench(8);
          const row = {
            model,
            threads,
            'batch 1 median ms': +r.medianMs.toFixed(1),
            'batch 1 p90 ms': +r.p90Ms.toFixed(1),
            'batch 8 ms per window': +(r8.medianMs / 8).toFixed(1),
            isolated: info.isolated,
            webgpu: info.webgpu,
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
    for (const model of models) {
      const ms = await nodeLatency(path.join(modelDir, model));
      console.log(JSON.stringify({ model, 'onnxruntime-node median ms (batch 1)': +ms.toFixed(1) }));
    }
  } finally {
    await server.close();
  }
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
