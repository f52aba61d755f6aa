/**
 * Research probe (issue 10): frozen mn04 embeddings + AudioSet logits of every real clip, once with the clip's
 * windows as the product makes them (5-s windows, short clips padded) and once at the clip's natural length
 * (one window of exactly its frames, as the reference implementation embeds a clip). Writes <out>/probe.f32
 * (rows of 384 + 527 floats per variant) and <out>/probe.json; `embedding_probe.py` fits the linear probes.
 *
 *   node --conditions=@noise-classifier/source --import tsx research/recipe-search/embedding-probe.ts <out> <manifest>...
 */
import { join, resolve } from 'node:path';
import { AUDIOSET_CLASSES, EFFICIENTAT_MN04_FEATURE_CONFIG, createModelConfig } from '@noise-classifier/config';
import { EFFICIENTAT_EMBEDDING_LAYER, createModelMetadata, exportOnnx, type InferenceSession } from '@noise-classifier/models';
import { NoiseDataset } from '@noise-classifier/pipelines';
import { TorchAudioFeatureExtractor, decodeAudio, resample } from '@noise-classifier/features';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { nodeDatasetFiles } from '@noise-classifier/pipelines/node';
import { onnxRuntimeNodeBackend } from '@noise-classifier/runtime-node';
import { loadPretrainedFromDisk } from '@noise-classifier/training/node';

const [outArg, ...manifests] = process.argv.slice(2);
const outDir = resolve(outArg ?? '/tmp/probe');
const featureConfig = EFFICIENTAT_MN04_FEATURE_CONFIG;
const backend = onnxRuntimeNodeBackend;
await backend.init();
const sessions = new Map<number, InferenceSession>();
async function sessionFor(frames: number): Promise<InferenceSession> {
  let s = sessions.get(frames);
  if (!s) {
    const backbone = await loadPretrainedFromDisk('efficientat_mn04', { windowFrames: frames });
    const labels = AUDIOSET_CLASSES.map(([, name]) => name);
    const metadata = createModelMetadata({ featureConfig: backbone.featureConfig, modelConfig: createModelConfig({ architecture: backbone.spec.architecture, labels, numClasses: labels.length }) });
    s = await backend.createSession({ format: 'onnx', bytes: exportOnnx(backbone.model, metadata, { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER, ...EXTRA] }) });
    sessions.set(frames, s);
  }
  return s;
}
// PROBE_EXTRA=<layer,…>: more pooled [batch, width] layers appended to each row (e.g. the blocks' squeeze-excitation pools)
const EXTRA = (process.env.PROBE_EXTRA ?? '').split(',').filter(Boolean);
let DIM = 384 + 527;
async function embed(data: Float32Array, frames: number): Promise<Float32Array> {
  const out = await (await sessionFor(frames)).run(data, [1, 1, 128, frames], { extraOutputs: [EFFICIENTAT_EMBEDDING_LAYER, ...EXTRA] });
  const extras = EXTRA.map((name) => out.extra![name]!.data);
  DIM = 384 + 527 + extras.reduce((n, e) => n + e.length, 0);
  const row = new Float32Array(DIM);
  row.set(out.extra![EFFICIENTAT_EMBEDDING_LAYER]!.data.subarray(0, 384));
  row.set(out.logits.subarray(0, 527), 384);
  let offset = 384 + 527;
  for (const e of extras) {
    row.set(e, offset);
    offset += e.length;
  }
  return row;
}

const W = featureConfig.spectrogramWidth;
// Speed factors: the clip played f times faster (pitch and tempo up by f), as a pitch/RPM perturbation.
const SPEEDS = (process.env.PROBE_SPEEDS ?? '1').split(',').map(Number);
const extractor = await TorchAudioFeatureExtractor.create(featureConfig);
function padded(spec: { data: Float32Array; bins: number; frames: number }): Float32Array {
  const { bins, frames } = spec;
  const out = new Float32Array(bins * W);
  let min = Infinity;
  for (const v of spec.data) min = Math.min(min, v);
  out.fill(min);
  for (let b = 0; b < bins; b++) out.set(spec.data.subarray(b * frames, b * frames + Math.min(frames, W)), b * W);
  return out;
}
const rows: Float32Array[] = [];
const index: object[] = [];
for (const manifest of manifests) {
  const ds = await NoiseDataset.fromManifest(resolve(manifest), { files: nodeDatasetFiles, featureConfig });
  for (let i = 0; i < ds.length; i++) {
    const src = ds.sources[i] as string;
    const decoded = await decodeAudio(new Uint8Array(await readFile(src)));
    // PROBE_BANDLIMIT=<Hz>: every clip through that sample rate first (a low-pass at half of it), as UrbanSound8K's 22.05 kHz files are
    const limit = Number(process.env.PROBE_BANDLIMIT ?? 0);
    const audio = limit && decoded.sampleRate > limit ? { samples: resample(decoded.samples, decoded.sampleRate, limit), sampleRate: limit } : decoded;
    let frames = 0;
    for (const f of SPEEDS) {
      const wave = resample(audio.samples, audio.sampleRate, Math.round(featureConfig.sampleRate / f));
      const spec = extractor.extractMelSpectrogram(wave);
      if (f === 1) frames = spec.frames;
      rows.push(await embed(padded(spec), W));
    }
    index.push({ name: src.replace(/^.*datasets\//, ''), label: ds.labels[ds.labelIndices[i]!], fold: ds.folds[i], frames });
    if (index.length % 50 === 0) console.error(index.length);
  }
}
await mkdir(outDir, { recursive: true });
const blob = new Float32Array(rows.length * DIM);
rows.forEach((r, k) => blob.set(r, k * DIM));
await writeFile(join(outDir, 'probe.f32'), new Uint8Array(blob.buffer));
await writeFile(join(outDir, 'probe.json'), JSON.stringify({ variants: SPEEDS.map((f) => `speed${f}`), dim: DIM, extra: EXTRA, items: index }));
console.error('wrote', index.length, 'clips');
