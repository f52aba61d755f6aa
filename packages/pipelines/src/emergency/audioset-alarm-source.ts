import { NoiseClassifierError, checkNumber } from '@noise-classifier/config';
import { audioSetEvidenceFromScores } from '../audioset/audioset-evidence';
import type { NoiseClassifierService } from '../service/noise-classifier-service';
import type { AlarmProbabilitySource, AlarmProbabilityWindow } from './emergency-detector';

export interface AudioSetAlarmSourceOptions {
  /** Rate of the pushed chunks, Hz. */
  sampleRate: number;
  /** Seconds between analysed windows (default 1); each window is the model's window, ending at the latest sample. */
  hopSeconds?: number;
  /** Taxonomy label whose AudioSet classes are the evidence (default fire_alarm: Fire alarm, Smoke detector). */
  label?: string;
}

/**
 * Model evidence for `EmergencyNoiseDetector` from an AudioSet-pretrained model's own scores: per window, the
 * label's AudioSet evidence (for fire_alarm the larger of the Fire alarm and Smoke detector sigmoids), independent
 * of whatever the model's trained head learnt (the default model's fire_alarm class is trained on synthetic tones
 * only). Windows are the model's length, analysed every `hopSeconds` once that much audio has arrived.
 */
export function audioSetAlarmSource(service: NoiseClassifierService, options: AudioSetAlarmSourceOptions): AlarmProbabilitySource {
  const label = options.label ?? 'fire_alarm';
  if (!service.hasAudioSetOutput) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', 'AudioSet alarm evidence needs a model with an AudioSet output', {
      field: 'service',
      expected: 'a model built on an AudioSet-pretrained backbone (output audioset_logits)',
      received: `${service.modelLocation} (labels ${service.labels.slice(0, 4).join(', ')}…)`,
    });
  }
  audioSetEvidenceFromScores(new Float32Array(527), 1, [label]); // E_CONFIG now, not mid-stream, for an unmapped label
  const rate = checkNumber('sampleRate', options.sampleRate, { min: 1000, max: 384_000 });
  const hop = Math.max(1, Math.round(checkNumber('hopSeconds', options.hopSeconds ?? 1, { min: 0.05 }) * rate));
  const windowSamples = Math.ceil(service.windowSeconds * rate);
  // Keep one window of history; `offset` is the stream position of buffer[0].
  let buffer = new Float32Array(0);
  let offset = 0;
  let nextEnd = windowSamples;
  return {
    async push(chunk) {
      const joined = new Float32Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      const out: AlarmProbabilityWindow[] = [];
      while (offset + buffer.length >= nextEnd) {
        const start = nextEnd - windowSamples;
        const audio = await service.prepareAudio(buffer.subarray(start - offset, nextEnd - offset), rate);
        const batch = service.featurize(audio, service.featureConfig.spectrogramWidth);
        const { audioSetScores } = await service.predictWindowsWithAudioSet(batch);
        const evidence = audioSetEvidenceFromScores(audioSetScores, batch.count, [label]);
        out.push({ startSeconds: start / rate, endSeconds: nextEnd / rate, probability: Math.max(...evidence) });
        nextEnd += hop;
      }
      const keepFrom = Math.max(0, nextEnd - windowSamples - offset);
      buffer = buffer.slice(Math.min(keepFrom, buffer.length));
      offset += Math.min(keepFrom, joined.length);
      return out;
    },
  };
}
