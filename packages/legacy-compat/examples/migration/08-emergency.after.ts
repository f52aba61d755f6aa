import { EmergencyNoiseDetector, generateSyntheticClip } from '@noise-classifier/pipelines';

// Ten seconds of the ISO 8201 temporal-three alarm pattern, fed in 0.25 s chunks as from a microphone.
const { samples } = generateSyntheticClip('fire_alarm', { sampleRate: 16_000, durationSeconds: 10, seed: 3 });

const detector = new EmergencyNoiseDetector({ sampleRate: 16_000 });
for (let i = 0; i < samples.length; i += 4_000) {
  for (const event of await detector.push(samples.subarray(i, i + 4_000))) {
    console.log(`${event.type} of ${event.label} at ${event.timeSeconds.toFixed(2)} s (confidence ${event.confidence.toFixed(2)})`);
  }
}
