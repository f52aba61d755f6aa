import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEPRECATIONS,
  NO_DEPRECATION_ENV,
  resetDeprecationWarnings,
  silenceDeprecations,
  warnDeprecated,
  type DeprecatedSymbol,
} from '../src/deprecation';
import { captureWarnings } from './helpers/warnings';

describe('deprecation warnings', () => {
  beforeEach(() => {
    resetDeprecationWarnings();
    delete process.env[NO_DEPRECATION_ENV];
  });
  afterEach(() => {
    resetDeprecationWarnings();
    delete process.env[NO_DEPRECATION_ENV];
  });

  it('every symbol has its own stable NCV2_ code', () => {
    const codes = Object.values(DEPRECATIONS).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^NCV2_\d{3}$/);
  });

  it('emits one DeprecationWarning per symbol per process, naming the replacement', async () => {
    const warnings = await captureWarnings(() => {
      for (let i = 0; i < 3; i++) {
        warnDeprecated('NoiseClassifierV2');
        warnDeprecated('MLService');
      }
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_001', 'NCV2_004']);
    for (const w of warnings) expect(w.name).toBe('DeprecationWarning');
    expect(warnings[0]?.message).toContain('NoiseClassifierV2 is deprecated');
    expect(warnings[0]?.message).toContain('NoiseClassifierService');
    expect(warnings[1]?.message).toContain('toWireClassification');
  });

  it('is silenced by silenceDeprecations(), the per-call option and the environment variable', async () => {
    const symbols = Object.keys(DEPRECATIONS) as DeprecatedSymbol[];
    let warnings = await captureWarnings(() => {
      silenceDeprecations();
      for (const s of symbols) expect(warnDeprecated(s)).toBe(false);
      silenceDeprecations(false);
      expect(warnDeprecated('AudioFeatureExtractor', { silenceDeprecation: true })).toBe(false);
      process.env[NO_DEPRECATION_ENV] = '1';
      expect(warnDeprecated('AudioFeatureExtractor')).toBe(false);
    });
    expect(warnings).toEqual([]);
    // Silenced calls do not use up the one warning: it still comes once silencing ends.
    delete process.env[NO_DEPRECATION_ENV];
    warnings = await captureWarnings(() => {
      process.env[NO_DEPRECATION_ENV] = '0';
      warnDeprecated('AudioFeatureExtractor');
    });
    expect(warnings.map((w) => w.code)).toEqual(['NCV2_002']);
  });

  it('falls back to console.warn where there is no process.emitWarning (browsers)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const realProcess = globalThis.process;
    let calls: unknown[][] = [];
    try {
      // Synchronous window without `process`, as in a browser; restored before anything else can run.
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
      warnDeprecated('EmergencyNoiseDetector');
      warnDeprecated('EmergencyNoiseDetector');
      calls = warn.mock.calls.map((c) => [...c]);
    } finally {
      Object.defineProperty(globalThis, 'process', { value: realProcess, configurable: true, writable: true });
      warn.mockRestore();
    }
    expect(calls).toHaveLength(1);
    expect(String(calls[0]?.[0])).toMatch(/^\[NCV2_006\] DeprecationWarning: EmergencyNoiseDetector is deprecated/);
  });

  it('shares its once-per-process memory between copies of the module (ESM and CJS builds)', async () => {
    warnDeprecated('NoiseClassifierTrainer');
    vi.resetModules();
    const copy = await import('../src/deprecation');
    expect(copy.warnDeprecated).not.toBe(warnDeprecated); // a second instance of the module
    expect(copy.warnDeprecated('NoiseClassifierTrainer')).toBe(false);
    expect(copy.warnDeprecated('LibrosaFeatureExtractor')).toBe(true);
  });
});
