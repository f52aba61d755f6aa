import { NoiseClassifierError } from '@noise-classifier/config';
import type { NoiseClassifierService } from '../service/noise-classifier-service';
import type { AlarmProbabilitySource } from './emergency-detector';

/**
 * Model evidence for `EmergencyNoiseDetector`: a classifier stream (no debounce) reporting the emergency label's
 * probability per window.
 */
export function modelAlarmSource(
  service: NoiseClassifierService,
  options: { sampleRate: number; hopSeconds?: number; label?: string },
): AlarmProbabilitySource {
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
      return results.map((r) => ({ startSeconds: r.startSeconds, endSeconds: r.endSeconds, probability: r.probabilities[index] }));
    },
  };
}
