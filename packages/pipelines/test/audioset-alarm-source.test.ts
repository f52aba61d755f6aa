import { nodeRuntime } from '@noise-classifier/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { audioSetAlarmSource } from '../src/emergency/audioset-alarm-source';
import { modelAlarmSource } from '../src/emergency/model-alarm-source';
import { EmergencyNoiseDetector } from '../src/emergency/emergency-detector';
import { generateSyntheticClip } from '../src/synthetic/synthetic-clips';
import { untrainedOnnx } from './helpers/untrained-model';
import { audioSetOnlyModel } from './helpers/audioset-model';

const RATE = 22_050;
let service: NoiseClassifierService;

beforeAll(async () => {
  // Real mn04 AudioSet weights, 2 s windows.
  service = await NoiseClassifierService.create({ model: await audioSetOnlyModel(), runtime: nodeRuntime, config: { numThreads: 1 } });
}, 120_000);
afterAll(() => service?.dispose());

async function windows(samples: Float32Array, hopSeconds = 1) {
  const source = audioSetAlarmSource(service, { sampleRate: RATE, hopSeconds });
  const out = [];
  const chunk = Math.round(RATE * 0.1);
  for (let i = 0; i < samples.length; i += chunk) out.push(...(await source.push(samples.subarray(i, i + chunk))));
  return out;
}

describe('audioSetAlarmSource (Fire alarm / Smoke detector evidence of the AudioSet scores)', () => {
  it('analyses one model window every hop, aligned to the stream, once a window of audio has arrived', async () => {
    const noise = generateSyntheticClip('pink_noise', { sampleRate: RATE, durationSeconds: 6, seed: 2, levelDb: -30 }).samples;
    const w = await windows(noise);
    const span = service.windowSeconds;
    expect(w.length).toBe(Math.floor((6 - Math.ceil(span * RATE) / RATE) / 1) + 1);
    w.forEach((x, i) => {
      expect(x.endSeconds - x.startSeconds).toBeCloseTo(Math.ceil(span * RATE) / RATE, 6);
      if (i > 0) expect(x.endSeconds - w[i - 1]!.endSeconds).toBeCloseTo(1, 6);
    });
  });

  it('is high for a T3 alarm tone and low for pink noise (the real network decides)', async () => {
    const alarm = generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: 8, seed: 3, levelDb: -20 }).samples;
    const noise = generateSyntheticClip('pink_noise', { sampleRate: RATE, durationSeconds: 8, seed: 3, levelDb: -20 }).samples;
    const alarmMax = Math.max(...(await windows(alarm)).map((x) => x.probability));
    const noiseMax = Math.max(...(await windows(noise)).map((x) => x.probability));
    // Measured: 0.14–0.57 per 2 s window on the alarm (lower where a window holds mostly the 1.5 s pause), 0.000 on noise.
    expect(alarmMax).toBeGreaterThan(0.3);
    expect(noiseMax).toBeLessThan(0.05);
  }, 60_000);

  it('is what modelAlarmSource picks for a model with an AudioSet output, and the detector raises the alarm', async () => {
    const detector = new EmergencyNoiseDetector({ sampleRate: RATE, model: modelAlarmSource(service, { sampleRate: RATE }) });
    const alarm = generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: 12, seed: 4, levelDb: -20 }).samples;
    const events = [];
    for (let i = 0; i < alarm.length; i += 2205) events.push(...(await detector.push(alarm.subarray(i, i + 2205))));
    const onset = events.find((e) => e.type === 'onset');
    expect(onset).toBeDefined();
    // The AudioSet evidence of the latest window (pink noise gives 0.000), not the untrained head's fire_alarm.
    expect(onset!.modelProbability).toBeGreaterThan(0.1);
  }, 60_000);

  it('refuses a model without an AudioSet output and a label without AudioSet evidence', async () => {
    const plain = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime });
    try {
      expect(() => audioSetAlarmSource(plain, { sampleRate: RATE })).toThrow(expect.objectContaining({ code: 'E_MODEL_MISMATCH' }));
      // The label path stays for models without AudioSet scores.
      expect(() => modelAlarmSource(plain, { sampleRate: RATE })).not.toThrow();
    } finally {
      await plain.dispose();
    }
    expect(() => audioSetAlarmSource(service, { sampleRate: RATE, label: 'brown_noise' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
