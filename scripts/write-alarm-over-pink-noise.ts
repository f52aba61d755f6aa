/**
 * Writes a WAV of our own synthetic audio: a T3 fire alarm (ISO 8201, starting with a pulse) over pink noise, both
 * from the pipelines' synthetic generator. Used for `examples/audio` and as the source of the codec test fixtures,
 * so no third-party recording is ever committed. Deterministic: the same arguments write the same bytes.
 *
 *   npx tsx --conditions=@noise-classifier/source scripts/write-alarm-over-pink-noise.ts \
 *     --out x.wav [--rate 22050] [--seconds 1] [--snr 10] [--seed 1]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodeWav } from '@noise-classifier/features';
import { generateSyntheticClip, mixAtSnr } from '@noise-classifier/pipelines';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    rate: { type: 'string', default: '22050' },
    seconds: { type: 'string', default: '1' },
    snr: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) throw new Error('--out <file.wav> is required');
const options = { sampleRate: Number(values.rate), durationSeconds: Number(values.seconds), seed: Number(values.seed) };

const alarm = generateSyntheticClip('fire_alarm', { ...options, alarmFrequency: 3100, alarmPhaseSeconds: 0, levelDb: -12 });
const noise = generateSyntheticClip('pink_noise', { ...options, levelDb: -24 });
const mixed = mixAtSnr(alarm.samples, noise.samples, Number(values.snr));
let peak = 0;
for (const v of mixed) peak = Math.max(peak, Math.abs(v));
// Leave headroom so PCM16 never clips and lossy encoders do not overshoot full scale.
const gain = peak > 0.7 ? 0.7 / peak : 1;
writeFileSync(values.out, encodeWav(mixed.map((v) => v * gain), options.sampleRate));
console.log(`${values.out}: ${mixed.length} samples at ${options.sampleRate} Hz, alarm ${values.snr} dB over pink noise`);
