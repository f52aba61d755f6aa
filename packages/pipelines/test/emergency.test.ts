import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { EmergencyNoiseDetector, type EmergencyEvent } from '../src/emergency/emergency-detector';
import { modelAlarmSource } from '../src/emergency/model-alarm-source';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { untrainedOnnx } from './helpers/untrained-model';
import { generateSyntheticClip, mixAtSnr } from '../src/synthetic/synthetic-clips';

const SR = 16_000;

async function run(detector: EmergencyNoiseDetector, x: Float32Array, chunk = 1600): Promise<EmergencyEvent[]> {
  const events: EmergencyEvent[] = [];
  for (let i = 0; i < x.length; i += chunk) events.push(...(await detector.push(x.subarray(i, i + chunk))));
  return events;
}

function alarmInNoise(snrDb: number, seed: number, noise: 'pink_noise' | 'white_noise' | 'brown_noise' = 'pink_noise') {
  const duration = 20;
  const background = generateSyntheticClip(noise, { seed, sampleRate: SR, durationSeconds: duration, levelDb: -25 }).samples;
  // Alarm starts at 5 s.
  const alarm = generateSyntheticClip('fire_alarm', { seed: seed + 1, sampleRate: SR, durationSeconds: duration - 5, alarmPhaseSeconds: 0 });
  const padded = new Float32Array(background.length);
  padded.set(alarm.samples, 5 * SR);
  return mixAtSnr(padded, background, snrDb);
}

describe('EmergencyNoiseDetector (signal processing only)', () => {
  for (const snr of [10, 0, -10]) {
    it(`detects a T3 alarm in pink noise at ${snr} dB SNR with its onset time`, async () => {
      const detector = new EmergencyNoiseDetector({ sampleRate: SR });
      const events = await run(detector, alarmInNoise(snr, 11));
      const onsets = events.filter((e) => e.type === 'onset');
      expect(onsets.length).toBe(1);
      expect(Math.abs(onsets[0]!.timeSeconds - 5)).toBeLessThan(0.1);
      // Decided after the first full cycle and its pause (≈ 5 + 2.5 + 1.2 s), confirmed within two ticks.
      expect(onsets[0]!.decidedAtSeconds).toBeLessThan(10.5);
      expect(onsets[0]!.confidence).toBeGreaterThan(0.5);
      expect(detector.alarmActive).toBe(true);
    });
  }

  it('tolerates ±20% timing deviations and rejects larger ones', async () => {
    const withTiming = async (pulseSeconds: number, gapSeconds: number, pauseSeconds: number) => {
      const bg = generateSyntheticClip('pink_noise', { seed: 6, sampleRate: SR, durationSeconds: 16, levelDb: -30 }).samples;
      const alarm = generateSyntheticClip('fire_alarm', {
        seed: 7,
        sampleRate: SR,
        durationSeconds: 12,
        alarmPhaseSeconds: 0,
        alarmTiming: { pulseSeconds, gapSeconds, pauseSeconds },
      }).samples;
      const padded = new Float32Array(bg.length);
      padded.set(alarm, 2 * SR);
      return (await run(new EmergencyNoiseDetector({ sampleRate: SR }), mixAtSnr(padded, bg, 0))).filter((e) => e.type === 'onset').length;
    };
    expect(await withTiming(0.58, 0.42, 1.3)).toBe(1); // +16% / −16% / −13%
    expect(await withTiming(0.42, 0.58, 1.7)).toBe(1);
    expect(await withTiming(0.8, 0.5, 1.5)).toBe(0); // pulses 60% too long
    expect(await withTiming(0.5, 0.8, 1.5)).toBe(0); // gaps 60% too long
    expect(await withTiming(0.5, 0.5, 0.9)).toBe(0); // pause too short: a different pattern
  });

  it('raises nothing on noise alone, and nothing on a steady 1 Hz beeper (no 1.5 s pause)', async () => {
    for (const kind of ['white_noise', 'pink_noise', 'brown_noise'] as const) {
      const detector = new EmergencyNoiseDetector({ sampleRate: SR });
      const noise = generateSyntheticClip(kind, { seed: 5, sampleRate: SR, durationSeconds: 20 }).samples;
      expect(await run(detector, noise)).toEqual([]);
    }
    // 0.5 s on / 0.5 s off forever: equal pulses and gaps, but never the temporal-three pause.
    const beeper = generateSyntheticClip('fire_alarm', {
      seed: 1,
      sampleRate: SR,
      durationSeconds: 20,
      alarmPhaseSeconds: 0,
      alarmTiming: { pulseSeconds: 0.5, gapSeconds: 0.5, pauseSeconds: 0.5 },
    }).samples;
    const detector = new EmergencyNoiseDetector({ sampleRate: SR });
    expect(await run(detector, beeper)).toEqual([]);
  });

  it('clears the alarm (offset event) after the sounder stops, and is independent of chunk size', async () => {
    const x = alarmInNoise(0, 21);
    // The sounder stops at 14 s; a quiet background continues.
    const bg = generateSyntheticClip('pink_noise', { seed: 99, sampleRate: SR, durationSeconds: 20, levelDb: -40 }).samples;
    for (let i = 14 * SR; i < x.length; i++) x[i] = bg[i]!;
    const a = await run(new EmergencyNoiseDetector({ sampleRate: SR }), x, 1600);
    const b = await run(new EmergencyNoiseDetector({ sampleRate: SR }), x, 333);
    expect(a.map((e) => e.type)).toEqual(['onset', 'offset']);
    expect(a[1]!.timeSeconds).toBeGreaterThan(14);
    expect(a[1]!.timeSeconds).toBeLessThan(14 + 8);
    expect(b.map((e) => [e.type, e.timeSeconds.toFixed(2)])).toEqual(a.map((e) => [e.type, e.timeSeconds.toFixed(2)]));
  });

  it('combines model evidence (noisy-OR): a confident model alone cannot raise it with default weights, an unsure one does not block the pattern', async () => {
    const constant = (p: number) => {
      let t = 0;
      return {
        push: async (chunk: Float32Array) => {
          const start = t;
          t += chunk.length / SR;
          return [{ startSeconds: start, endSeconds: t, probability: p }];
        },
      };
    };
    const noise = generateSyntheticClip('pink_noise', { seed: 8, sampleRate: SR, durationSeconds: 12 }).samples;
    expect(await run(new EmergencyNoiseDetector({ sampleRate: SR, model: constant(0.99) }), noise)).toEqual([]);
    const withModel = await run(new EmergencyNoiseDetector({ sampleRate: SR, model: constant(0.9) }), alarmInNoise(0, 3));
    expect(withModel[0]?.type).toBe('onset');
    expect(withModel[0]!.modelProbability).toBeCloseTo(0.9, 6);
    // Agreement raises the score above the pattern's own confidence.
    expect(withModel[0]!.confidence).toBeGreaterThan(withModel[0]!.patternConfidence);
    const unsure = await run(new EmergencyNoiseDetector({ sampleRate: SR, model: constant(0) }), alarmInNoise(0, 3));
    expect(unsure[0]?.type).toBe('onset');
    expect(unsure[0]!.confidence).toBeCloseTo(unsure[0]!.patternConfidence, 12);
    // Model-only weighting: the model alone now decides.
    const modelOnly = await run(new EmergencyNoiseDetector({ sampleRate: SR, model: constant(0.9), patternWeight: 0, modelWeight: 1 }), noise);
    expect(modelOnly[0]?.type).toBe('onset');
  });

  it('runs with a real model stream as evidence (untrained model: the pattern still decides)', async () => {
    const service = await NoiseClassifierService.create({ model: await untrainedOnnx(), runtime: nodeRuntime });
    const model = modelAlarmSource(service, { sampleRate: SR });
    const events = await run(new EmergencyNoiseDetector({ sampleRate: SR, model }), alarmInNoise(0, 31));
    const onset = events.find((e) => e.type === 'onset');
    expect(onset).toBeDefined();
    expect(onset!.modelProbability).not.toBeNull();
    expect(Math.abs(onset!.timeSeconds - 5)).toBeLessThan(0.1);
    const noFire = await NoiseClassifierService.create({ model: await untrainedOnnx({ labels: ['dog_barking', 'silence'] }), runtime: nodeRuntime });
    expect(() => modelAlarmSource(noFire, { sampleRate: SR })).toThrow(/no "fire_alarm" output/);
    await Promise.all([service.dispose(), noFire.dispose()]);
  }, 120_000);

  it('rejects bad options and non-finite audio', async () => {
    expect(() => new EmergencyNoiseDetector({ sampleRate: 100 })).toThrow(/sampleRate/);
    expect(() => new EmergencyNoiseDetector({ sampleRate: SR, confirmN: 4, confirmM: 3 })).toThrow(/confirmN/);
    await expect(new EmergencyNoiseDetector({ sampleRate: SR }).push([0, NaN])).rejects.toThrow(/chunk\[1\]/);
    await expect(new EmergencyNoiseDetector({ sampleRate: SR }).push(null as never)).rejects.toMatchObject({ code: 'E_BAD_AUDIO' });
  });
});
