import { NoiseClassifierError } from '@noise-classifier/config';
import type { NoiseClassifierService } from '../service/noise-classifier-service';
import { audioSetAlarmSource } from './audioset-alarm-source';
import type { AlarmProbabilitySource } from './emergency-detector';

/**
 * Model evidence for `EmergencyNoiseDetector`. `evidence`: `audioset` — the model's AudioSet scores for the label
 * (Fire alarm, Smoke detector; `audioSetAlarmSource`); `label` — a classifier stream (no debounce) reporting the
 * label's probability per window; `auto` (default) — AudioSet evidence when the model has an AudioSet output, since
 * it was learnt from real alarms, else the label.
 */
export function modelAlarmSource(
  service: NoiseClassifierService,
  options: { sampleRate: number; hopSeconds?: number; label?: string; evidence?: 'auto' | 'label' | 'audioset' },
): AlarmProbabilitySource {
  const evidence = options.evidence ?? 'auto';
  if (evidence === 'audioset' || (evidence === 'auto' && service.hasAudioSetOutput)) {
    return audioSetAlarmSource(service, { sampleRate: options.sampleRate, hopSeconds: options.hopSeconds ?? 1, label: options.label });
  }
  const label = options.label ?? 'fire_alarm';
  const index = service.labels.indexOf(label);
  if (index < 0) {
    throw new NoiseClassifierError('E_LABEL', `The model has no "${label}" output, so it cannot help detect alarms`, {
      field: 'label',
      expected: `a model whose labels include ${label} (or run the detector without a model)`,
      received: `labels ${service.labels.slice(0, 8).join(', ')}${service.labels.length > 8 ? ', …' : ''}`,
    });
  }
  const stream = service.createStream({ sampleRate: options.sampleRate, hopSeconds: options.hopSeconds ?? 0.5, debounce: { n: 1, m: 1 } });
  return {
    async push(chunk) {
      const results = await stream.push(chunk);
      // The stream answers one probability per model label, and index is one of them (checked above).
      return results.map((r) => ({ startSeconds: r.startSeconds, endSeconds: r.endSeconds, probability: r.probabilities[index]! }));
    },
  };
}
