/*
 * Emergency detection on real backgrounds: synthetic ISO 8201 T3 fire alarms mixed into real recordings from
 * ../shared/datasets at SNR 10, 0 and −10 dB; detection rate, onset error and latency; false alarms per hour
 * on the same backgrounds without an alarm.
 *
 *   cd packages/pipelines && nice -n 10 node --conditions=@noise-classifier/source --import tsx bench/emergency.bench.ts
 *
 * Options: [--datasets dir (default ../shared/datasets beside the repo)] --clips-per-class 12 --trials 3 --rate 22050 [--model m.onnx] [--json out.json]
 *
 * Backgrounds: for every (dataset, class), up to `clips-per-class` clips decoded, resampled to `rate` and
 * concatenated into one stream (≈ 50 s each; 10 streams ≈ 9 min in all). SNR is the alarm's power while sounding
 * against the background's mean power over the 12 s the alarm lasts (`mixAtSnr`), i.e. a −10 dB alarm is ten
 * times weaker than the background. Each trial puts one 12 s alarm (three T3 cycles, random tone 2.9–3.3 kHz,
 * random level) at a seeded random position in a 30 s excerpt; a detection is an onset event within the alarm
 * (onset from 0.5 s before its start to its end). False alarms: onset events over the full backgrounds without any
 * alarm, scaled to one hour; and tonal distractors that are not T3 (beepers, a continuous tone, the CO alarm's
 * temporal-four, mains hum). With --model, the detector also uses the model's fire_alarm probability; for a model with
 * an AudioSet output that is its Fire alarm / Smoke detector evidence (`modelAlarmSource` evidence 'auto').
 * --audioset-map [frames] uses EfficientAT mn04 with the published AudioSet weights (windows of `frames`, default
 * 500 = 5 s) as that model. --model-weight / --pattern-weight override the detector's fusion weights (diagnostics:
 * --pattern-weight 0 --model-weight 1 is the model evidence alone).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudio, resample } from '@noise-classifier/features';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { EmergencyNoiseDetector, type EmergencyEvent } from '../src/emergency/emergency-detector';
import { modelAlarmSource } from '../src/emergency/model-alarm-source';
import { parseManifest } from '../src/data/manifest';
import { NoiseClassifierService } from '../src/service/noise-classifier-service';
import { createPrng } from '../src/synthetic/prng';
import { generateSyntheticClip, mixAtSnr } from '../src/synthetic/synthetic-clips';
import { sharedDatasetPath } from '../../../tooling/shared-data';
import { audioSetOnlyModel } from '../test/helpers/audioset-model';
import { benchArgs } from './bench-args';

const args = benchArgs();
const CLIPS_PER_CLASS = Number(args['clips-per-class'] ?? 12);
const TRIALS = Number(args.trials ?? 3);
const RATE = Number(args.rate ?? 22_050);
const SNRS = [10, 0, -10];
const ALARM_SECONDS = 12;
const EXCERPT_SECONDS = 30;

interface Background {
  name: string;
  samples: Float32Array;
}

async function loadBackgrounds(): Promise<Background[]> {
  const groups = new Map<string, string[]>();
  for (const dataset of ['esc10', 'urbansound8k_22k']) {
    const manifest = args.datasets ? join(args.datasets, dataset, 'manifest.csv') : sharedDatasetPath(`${dataset}/manifest.csv`);
    for (const e of parseManifest(readFileSync(manifest, 'utf8'), manifest)) {
      const key = `${dataset}/${e.label}`;
      const list = groups.get(key) ?? [];
      if (list.length < CLIPS_PER_CLASS) list.push(e.file);
      groups.set(key, list);
    }
  }
  const out: Background[] = [];
  for (const [name, files] of groups) {
    const parts: Float32Array[] = [];
    for (const f of files) {
      const d = await decodeAudio(new Uint8Array(readFileSync(f)));
      parts.push(d.sampleRate === RATE ? d.samples : resample(d.samples, d.sampleRate, RATE));
    }
    const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      samples.set(p, o);
      o += p.length;
    }
    out.push({ name, samples });
  }
  return out;
}

async function runDetector(x: Float32Array, service: NoiseClassifierService | null): Promise<EmergencyEvent[]> {
  const detector = new EmergencyNoiseDetector({
    sampleRate: RATE,
    ...(service ? { model: modelAlarmSource(service, { sampleRate: RATE }) } : {}),
    ...(args['model-weight'] ? { modelWeight: Number(args['model-weight']) } : {}),
    ...(args['pattern-weight'] ? { patternWeight: Number(args['pattern-weight']) } : {}),
  });
  const events: EmergencyEvent[] = [];
  const chunk = Math.round(RATE * 0.1); // 100 ms chunks, as from a microphone
  for (let i = 0; i < x.length; i += chunk) events.push(...(await detector.push(x.subarray(i, i + chunk))));
  return events;
}

/** NFPA 720 temporal-four (carbon monoxide): four 0.1 s pulses 0.1 s apart, then 5 s off; 3.1 kHz tone. */
function temporalFour(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) {
    const t = (i / RATE) % 5.7;
    const on = t < 0.7 && Math.floor(t / 0.1) % 2 === 0;
    out[i] = on ? 0.3 * Math.sin((2 * Math.PI * 3100 * i) / RATE) : 0;
  }
  return out;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const audioSetFrames = args['audioset-map'] === undefined ? undefined : args['audioset-map'] === 'true' ? 500 : Number(args['audioset-map']);
  const service = audioSetFrames !== undefined
    ? await NoiseClassifierService.create({ model: await audioSetOnlyModel(audioSetFrames), runtime: nodeRuntime, config: { numThreads: 1 } })
    : args.model ? await NoiseClassifierService.create({ modelPath: args.model, runtime: nodeRuntime }) : null;
  const modelName = audioSetFrames !== undefined ? `mn04 AudioSet (${audioSetFrames}-frame windows)` : args.model;
  const t0 = performance.now();
  const backgrounds = await loadBackgrounds();
  const totalSeconds = backgrounds.reduce((n, b) => n + b.samples.length / RATE, 0);
  console.log(`backgrounds: ${backgrounds.length} streams, ${(totalSeconds / 60).toFixed(1)} min at ${RATE} Hz (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`detector: ${service ? `T3 pattern + model ${modelName}${service.hasAudioSetOutput ? ' (AudioSet Fire alarm / Smoke detector evidence)' : ' (fire_alarm label)'}` : 'T3 pattern only (signal processing)'}` +
    `${args['model-weight'] || args['pattern-weight'] ? `, weights pattern ${args['pattern-weight'] ?? 1} model ${args['model-weight'] ?? 0.4}` : ''}`);

  // False alarms on clean backgrounds.
  let falseAlarms = 0;
  const falseBy: string[] = [];
  const t1 = performance.now();
  for (const b of backgrounds) {
    const onsets = (await runDetector(b.samples, service)).filter((e) => e.type === 'onset');
    falseAlarms += onsets.length;
    if (onsets.length) falseBy.push(`${b.name}×${onsets.length}`);
  }
  const processing = (performance.now() - t1) / 1000;
  const perHour = (falseAlarms / totalSeconds) * 3600;
  console.log(`false alarms: ${falseAlarms} in ${(totalSeconds / 60).toFixed(1)} min → ${perHour.toFixed(2)} per hour ${falseBy.length ? `(${falseBy.join(', ')})` : ''}`);
  console.log(`processing speed: ${(totalSeconds / processing).toFixed(0)}× real time`);

  // Tonal distractors that are not T3 (60 s each over a quiet pink-noise floor): a steady 1 Hz beeper
  // (0.5 s on/off, reversing vehicles), a 2 Hz beeper, a continuous 3.1 kHz tone, the temporal-four CO alarm
  // pattern (4 × 0.1 s pulses 0.1 s apart, 5 s pause) and mains hum.
  const distractors: [string, Float32Array][] = [
    ['1 Hz beeper', generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: 60, alarmPhaseSeconds: 0, seed: 1, alarmTiming: { pulseSeconds: 0.5, gapSeconds: 0.5, pauseSeconds: 0.5 } }).samples],
    ['2 Hz beeper', generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: 60, alarmPhaseSeconds: 0, seed: 2, alarmTiming: { pulseSeconds: 0.25, gapSeconds: 0.25, pauseSeconds: 0.25 } }).samples],
    ['continuous tone', generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: 60, alarmPhaseSeconds: 0, seed: 3, alarmTiming: { pulseSeconds: 100, gapSeconds: 0, pauseSeconds: 0 } }).samples],
    ['T4 (CO alarm)', temporalFour(60)],
    ['mains hum', generateSyntheticClip('mains_hum', { sampleRate: RATE, durationSeconds: 60, seed: 4 }).samples],
  ];
  const floor = generateSyntheticClip('pink_noise', { sampleRate: RATE, durationSeconds: 60, seed: 5, levelDb: -45 }).samples;
  const distractorRows: { name: string; onsets: number }[] = [];
  for (const [name, d] of distractors) {
    const mixed = Float32Array.from(floor, (v, i) => v + (d[i] ?? 0));
    distractorRows.push({ name, onsets: (await runDetector(mixed, service)).filter((e) => e.type === 'onset').length });
  }
  console.log(`distractors (60 s each, onsets raised): ${distractorRows.map((r) => `${r.name}: ${r.onsets}`).join(', ')}`);

  const prng = createPrng(2024);
  const rows: { snrDb: number; trials: number; detected: number; rate: number; medianOnsetErrorS: number; medianLatencyS: number }[] = [];
  for (const snr of SNRS) {
    let detected = 0;
    let trials = 0;
    const onsetErrors: number[] = [];
    const latencies: number[] = [];
    for (const b of backgrounds) {
      for (let t = 0; t < TRIALS; t++) {
        const excerptLen = Math.min(b.samples.length, EXCERPT_SECONDS * RATE);
        const start = prng.int(0, Math.max(1, b.samples.length - excerptLen) - 1);
        const excerpt = b.samples.slice(start, start + excerptLen);
        const alarmStart = prng.uniform(2, excerptLen / RATE - ALARM_SECONDS - 1);
        const alarm = generateSyntheticClip('fire_alarm', { sampleRate: RATE, durationSeconds: ALARM_SECONDS, alarmPhaseSeconds: 0, seed: prng.int(0, 2 ** 31 - 1) });
        const i0 = Math.round(alarmStart * RATE);
        const segment = excerpt.subarray(i0, i0 + alarm.samples.length);
        excerpt.set(mixAtSnr(alarm.samples, segment, snr), i0);
        const onsets = (await runDetector(excerpt, service)).filter((e) => e.type === 'onset');
        const hit = onsets.find((e) => e.timeSeconds >= alarmStart - 0.5 && e.timeSeconds <= alarmStart + ALARM_SECONDS);
        trials++;
        if (!hit && args.debug) console.log(`miss ${b.name} snr ${snr} at ${alarmStart.toFixed(2)}: onsets ${onsets.map((e) => e.timeSeconds.toFixed(2)).join(",")}`);
        if (hit) {
          detected++;
          onsetErrors.push(Math.abs(hit.timeSeconds - alarmStart));
          latencies.push(hit.decidedAtSeconds - alarmStart);
        }
      }
    }
    rows.push({ snrDb: snr, trials, detected, rate: detected / trials, medianOnsetErrorS: median(onsetErrors), medianLatencyS: median(latencies) });
  }
  console.log('\nSNR dB | detected | rate | median onset error | median decision latency');
  for (const r of rows) {
    console.log(`${String(r.snrDb).padStart(6)} | ${`${r.detected}/${r.trials}`.padStart(8)} | ${(r.rate * 100).toFixed(0).padStart(3)}% | ${r.medianOnsetErrorS.toFixed(2)} s | ${r.medianLatencyS.toFixed(2)} s`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ rate: RATE, backgroundMinutes: totalSeconds / 60, falseAlarms, falseAlarmsPerHour: perHour, distractors: distractorRows, rows }, null, 2));
  await service?.dispose();
}

await main();
