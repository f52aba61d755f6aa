/**
 * How far our decode + resample (44.1 / 22.05 kHz → 32 kHz) is from the 32 kHz waves EfficientAT's reference
 * tensors were made from (../shared/pretrained/efficientat-mn04-as/reference), and what that does to the model
 * input (EFFICIENTAT_MN04_FEATURE_CONFIG log-mel). Reads ../shared only; not part of the tests.
 *
 *   cd packages/features && npx tsx --conditions=@noise-classifier/source bench/efficientat-resample-check.ts
 */
import { readFileSync } from 'node:fs';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import { sharedDatasetPath, sharedPretrainedPath } from '../../../tooling/shared-data';
import { TorchAudioFeatureExtractor, decodeAudio, resample } from '../src/index';

const REFERENCE = 'efficientat-mn04-as/reference';
const index = JSON.parse(readFileSync(sharedPretrainedPath(`${REFERENCE}/index.json`), 'utf8')) as {
  cases: { name: string; source: string; source_sample_rate: number }[];
};
const readF32 = (file: string) => {
  const b = readFileSync(sharedPretrainedPath(`${REFERENCE}/${file}`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Max |a − b|, RMS(a − b) and RMS(b) over the common prefix. */
function compare(a: Float32Array, b: Float32Array): { maxAbs: number; rms: number; rmsRef: number } {
  const n = Math.min(a.length, b.length);
  let maxAbs = 0;
  let sq = 0;
  let ref = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    sq += d * d;
    ref += b[i]! * b[i]!;
  }
  return { maxAbs, rms: Math.sqrt(sq / n), rmsRef: Math.sqrt(ref / n) };
}

const extractor = new TorchAudioFeatureExtractor(EFFICIENTAT_MN04_FEATURE_CONFIG);
const e = (x: number) => x.toExponential(2);
console.log('case | source rate | samples ours / ref | wave max abs | wave RMS diff (RMS of ref) | mel max abs | mel RMS diff');
for (const c of index.cases) {
  const decoded = await decodeAudio(new Uint8Array(readFileSync(sharedDatasetPath(c.source))));
  const ours = resample(decoded.samples, decoded.sampleRate, 32_000);
  const ref = readF32(`${c.name}.wave32k.f32`);
  const wave = compare(ours, ref);
  // Same length for the mel comparison: the reference's frame count, from the common prefix.
  const n = Math.min(ours.length, ref.length);
  const melOurs = extractor.extractMelSpectrogram(ours.subarray(0, n));
  const melRef = extractor.extractMelSpectrogram(ref.subarray(0, n));
  const mel = compare(melOurs.data, melRef.data);
  console.log(
    `${c.name} | ${decoded.sampleRate} | ${ours.length} / ${ref.length} | ${e(wave.maxAbs)} | ${e(wave.rms)} (${e(wave.rmsRef)}) | ${e(mel.maxAbs)} | ${e(mel.rms)}`,
  );
}
