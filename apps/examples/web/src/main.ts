/**
 * Browser demo: onnxruntime-web (WebAssembly, threads when cross-origin isolated) runs the self-describing ONNX
 * model; @noise-classifier/features decodes and computes the log-mel shown as a scrolling spectrogram.
 * Query parameters: `model` (URL of an .onnx file, default ./model.onnx), `threads`.
 */
import { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import { encodeOnnxModel, type InferenceBackend } from '@noise-classifier/models';
import { NoiseClassifierService, type ClassificationResult } from '@noise-classifier/pipelines';
import { createOnnxRuntimeWebBackend, fetchModel, webRuntime } from '@noise-classifier/runtime-web';
import { MicrophoneSession } from './microphone';
import { Spectrogram } from './spectrogram';

interface DemoState {
  ready: boolean;
  coldStartMs?: number;
  modelLoadMs?: number;
  lastResult?: { label: string; confidence: number; top5: [string, number][]; source: 'file' | 'microphone'; inferenceMs: number };
  error?: string;
  threads: number;
  crossOriginIsolated: boolean;
  benchmark?: (modelUrl: string, runs: number, batch: number, warmup?: number) => Promise<{ medianMs: number; p90Ms: number; runs: number }>;
}

const params = new URLSearchParams(location.search);
const modelUrl = new URL(params.get('model') ?? './model.onnx', location.href).href;
const threads = Number(params.get('threads') ?? (globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1));
const wasmPaths = new URL('./ort/', location.href).href;
const state: DemoState = { ready: false, threads, crossOriginIsolated: globalThis.crossOriginIsolated === true };
(window as unknown as { __demo: DemoState }).__demo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const fileInput = $<HTMLInputElement>('file');
const micButton = $<HTMLButtonElement>('mic');
const spectrogram = new Spectrogram($<HTMLCanvasElement>('spectrogram'));

function setStatus(text: string, stateName: string) {
  status.textContent = text;
  status.dataset.state = stateName;
}

function render(result: { label: string; top5: [string, number][] }, source: 'file' | 'microphone') {
  const label = $('label');
  label.textContent = `${result.label} (${source})`;
  label.dataset.label = result.label;
  label.dataset.source = source;
  const list = $('top5');
  list.replaceChildren(
    ...result.top5.map(([name, p]) => {
      const li = document.createElement('li');
      li.dataset.label = name;
      li.dataset.probability = String(p);
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, p * 100)}%`;
      li.append(Object.assign(document.createElement('span'), { textContent: name }), bar, Object.assign(document.createElement('span'), { textContent: `${(p * 100).toFixed(1)}%` }));
      return li;
    }),
  );
}

function firstResult() {
  state.coldStartMs ??= performance.now();
}

/**
 * onnxruntime-web downloads and compiles its .wasm and starts its threads at the first session. A session of a
 * one-node graph (Identity) starts all that at once, so it runs while the model downloads instead of after it.
 */
async function startRuntime(backend: InferenceBackend): Promise<void> {
  const tensor = { elemType: 1, shape: { dim: [{ dimValue: 1 }] } };
  const bytes = encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'warm-up',
      node: [{ input: ['input'], output: ['logits'], name: 'identity', opType: 'Identity' }],
      input: [{ name: 'input', type: { tensorType: tensor } }],
      output: [{ name: 'logits', type: { tensorType: tensor } }],
    },
  });
  await (await backend.createSession({ format: 'onnx', bytes })).dispose();
}

async function main() {
  const backend = createOnnxRuntimeWebBackend({ numThreads: threads, wasmPaths });
  const t0 = performance.now();
  const [model] = await Promise.all([fetchModel(modelUrl), startRuntime(backend)]);
  const service = await NoiseClassifierService.create({ runtime: webRuntime, model, backend, config: { numThreads: threads } });
  state.modelLoadMs = performance.now() - t0;
  const extractor = new TorchAudioFeatureExtractor(service.featureConfig);
  const m = service.metadata;
  $('info').textContent = `${m.modelConfig.architecture}${m.untrained ? ' (untrained weights)' : ''}, ${service.labels.length} labels, ${service.backendName}, ${threads} thread(s), cross-origin isolated: ${state.crossOriginIsolated}, model loaded in ${state.modelLoadMs.toFixed(0)} ms`;

  const show = (r: ClassificationResult, source: 'file' | 'microphone', inferenceMs: number) => {
    const top5 = r.topK.slice(0, 5) as [string, number][];
    render({ label: r.predictedClass, top5 }, source);
    state.lastResult = { label: r.predictedClass, confidence: r.confidence, top5, source, inferenceMs };
    firstResult();
  };

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    setStatus(`Classifying ${file.name}…`, 'busy');
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const samples = await service.prepareAudio(bytes);
      spectrogram.reset();
      spectrogram.push(extractor.extractMelSpectrogram(samples));
      const t = performance.now();
      const result = await service.classify(samples, service.featureConfig.sampleRate);
      show(result, 'file', performance.now() - t);
      setStatus(`${file.name}: done`, 'ready');
    } catch (error) {
      state.error = error instanceof Error ? error.message : String(error);
      setStatus(`Could not classify ${file.name}: ${state.error}`, 'error');
    }
  });

  let mic: MicrophoneSession | undefined;
  micButton.addEventListener('click', async () => {
    if (mic) {
      await mic.stop();
      mic = undefined;
      micButton.textContent = 'Use microphone';
      setStatus('Microphone stopped', 'ready');
      return;
    }
    try {
      mic = await MicrophoneSession.start(service, extractor, {
        onSpectrogram: (s) => spectrogram.push(s),
        onResult: (r, ms) => show(r, 'microphone', ms),
      });
      micButton.textContent = 'Stop microphone';
      setStatus(`Listening (${mic.sampleRate} Hz)…`, 'listening');
    } catch (error) {
      state.error = error instanceof Error ? error.message : String(error);
      setStatus(`Microphone unavailable: ${state.error}`, 'error');
    }
  });

  state.benchmark = async (url, runs, batch, warmup = 30) => {
    const bench = await NoiseClassifierService.create({ runtime: webRuntime, modelPath: new URL(url, location.href).href, backend, config: { numThreads: threads } });
    const fc = bench.featureConfig;
    const channels = bench.metadata.modelConfig.inputChannels ?? 1;
    // Deterministic input spread like N(0, 1.1) (models' convention for latency checks).
    const input = new Float32Array(batch * channels * fc.spectrogramHeight * fc.spectrogramWidth).map((_, i) => Math.sin(i * 12.9898) * 1.5);
    const windows = { data: input, count: batch, channels, height: fc.spectrogramHeight, width: fc.spectrogramWidth, startFrames: Array(batch).fill(0), validFrames: Array(batch).fill(fc.spectrogramWidth) };
    // Long warm-up: V8 first runs the 28 MB wasm module with its baseline compiler and tiers up in the background.
    for (let i = 0; i < warmup; i++) await bench.predictWindows(windows);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await bench.predictWindows(windows);
      times.push(performance.now() - t);
    }
    await bench.dispose();
    times.sort((a, b) => a - b);
    // runs ≥ 1 (the page's own form), so both order statistics exist.
    return { medianMs: times[Math.floor(times.length / 2)]!, p90Ms: times[Math.floor(times.length * 0.9)]!, runs };
  };

  fileInput.disabled = false;
  micButton.disabled = false;
  state.ready = true;
  setStatus('Ready: choose a file or use the microphone', 'ready');
}

main().catch((error) => {
  state.error = error instanceof Error ? error.message : String(error);
  setStatus(`Failed to start: ${state.error}`, 'error');
});
