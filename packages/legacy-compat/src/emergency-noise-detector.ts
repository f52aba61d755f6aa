import { snakeToCamel } from '@noise-classifier/config';
import {
  EmergencyNoiseDetector as PipelinesEmergencyNoiseDetector,
  type EmergencyDetectorOptions,
} from '@noise-classifier/pipelines';
import { warnDeprecated, type DeprecationOptions } from './deprecation';
import { inOldTerms } from './old-terms';

/** The detector's options with the seed's snake_case keys allowed (`sample_rate`, `on_threshold`, …). */
export type LegacyEmergencyDetectorOptions = (Partial<EmergencyDetectorOptions> | Record<string, unknown>) & DeprecationOptions;

const OLD_FIELD_NAMES = {
  sampleRate: 'sample_rate',
  tickSeconds: 'tick_seconds',
  onThreshold: 'on_threshold',
  offThreshold: 'off_threshold',
  confirmN: 'confirm_n',
  confirmM: 'confirm_m',
  patternWeight: 'pattern_weight',
  modelWeight: 'model_weight',
  holdSeconds: 'hold_seconds',
};

function camelOptions(options: LegacyEmergencyDetectorOptions | number | undefined): EmergencyDetectorOptions {
  if (typeof options === 'number') return { sampleRate: options };
  const out: Record<string, unknown> = { sampleRate: 48_000 };
  if (typeof options === 'object' && options !== null) {
    for (const [key, value] of Object.entries(options)) {
      if (key !== 'silenceDeprecation' && value !== undefined) out[snakeToCamel(key)] = value;
    }
  }
  return out as unknown as EmergencyDetectorOptions;
}

/**
 * The seed's `EmergencyNoiseDetector` (`emergency_noise_detector`), under its old name and module path: the
 * pipelines detector (ISO 8201 temporal-three pattern + optional model evidence), constructed with the seed's
 * conventions — a sample rate alone, or options in camelCase or snake_case; the sample rate defaults to 48 kHz.
 *
 * @deprecated Import `EmergencyNoiseDetector` from `@noise-classifier/pipelines` and pass `{ sampleRate, … }`.
 * Warning code NCV2_006.
 */
export class EmergencyNoiseDetector extends PipelinesEmergencyNoiseDetector {
  constructor(options?: LegacyEmergencyDetectorOptions | number) {
    warnDeprecated('EmergencyNoiseDetector', typeof options === 'object' && options !== null ? (options as DeprecationOptions) : {});
    try {
      super(camelOptions(options));
    } catch (error) {
      throw inOldTerms(error, OLD_FIELD_NAMES);
    }
  }
}
