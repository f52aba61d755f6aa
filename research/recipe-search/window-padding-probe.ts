/**
 * What fills the rest of a 500-frame (5 s) mn04 window for a 4-s UrbanSound8K clip: the window code pads channel 0
 * with the clip's own spectrogram minimum. Prints, for one fold's clips, the frames per clip, that minimum, the clip
 * mean and the front end's digital-silence floor (log(1e-5) + 4.5) / 5.
 *
 *   node --conditions=@noise-classifier/source --import tsx research/recipe-search/window-padding-probe.ts \
 *     ../shared/datasets/urbansound8k_22k 2
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EFFICIENTAT_MN04_FEATURE_CONFIG as config } from '@noise-classifier/config';
import { TorchAudioFeatureExtractor, prepareAudio } from '@noise-classifier/features';

async function main(): Promise<void> {
  const [root, fold] = process.argv.slice(2);
  if (root === undefined || fold === undefined) throw new Error('usage: window-padding-probe.ts <dataset folder> <fold>');
  const rows = readFileSync(join(root, 'manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const extractor = await TorchAudioFeatureExtractor.create(config, { fft: 'auto' });
  const mins: number[] = [];
  const frames: number[] = [];
  const means: number[] = [];
  for (const [file] of rows.filter((row) => row[3] === fold)) {
    if (!file) throw new Error(`${root}/manifest.csv: a row of fold ${fold} has no file`);
    const audio = await prepareAudio(new Uint8Array(readFileSync(join(root, file))), { sampleRate: config.sampleRate, config });
    const s = extractor.extractMelSpectrogram(audio);
    let m = Infinity;
    let sum = 0;
    for (const v of s.data) {
      if (v < m) m = v;
      sum += v;
    }
    mins.push(m);
    frames.push(s.frames);
    means.push(sum / s.data.length);
  }
  if (mins.length === 0) throw new Error(`${root}/manifest.csv has no clips in fold ${fold}`);
  // Every list holds one value per clip, so it is non-empty here and the index is in range.
  const q = (x: number[], p: number): number => [...x].sort((a, b) => a - b)[Math.floor(p * (x.length - 1))]!;
  const f = (x: number): string => x.toFixed(2);
  console.log(`clips ${mins.length}; frames median ${q(frames, 0.5)} [${q(frames, 0)}, ${q(frames, 1)}] of ${config.spectrogramWidth}; ` +
    `pad value (clip minimum) median ${f(q(mins, 0.5))} [${f(q(mins, 0))}, ${f(q(mins, 1))}]; clip mean median ${f(q(means, 0.5))}; ` +
    `digital-silence floor ${f((Math.log(1e-5) + 4.5) / 5)}`);
}

void main();
