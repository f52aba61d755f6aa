/**
 * ISO 8201 "temporal-three" evacuation pattern: on 0.5 s, off 0.5 s, on 0.5 s, off 0.5 s, on 0.5 s, off 1.5 s,
 * repeated (a 4 s cycle). Durations are configurable to model sounders that drift from the nominal values.
 */
export interface T3Timing {
  pulseSeconds: number;
  gapSeconds: number;
  pauseSeconds: number;
}

export const ISO_8201_T3: T3Timing = Object.freeze({ pulseSeconds: 0.5, gapSeconds: 0.5, pauseSeconds: 1.5 });

export function t3CycleSeconds(t: T3Timing = ISO_8201_T3): number {
  return 3 * t.pulseSeconds + 2 * t.gapSeconds + t.pauseSeconds;
}

/** Start times (seconds from the cycle start) of the three pulses. */
export function t3PulseOffsets(t: T3Timing = ISO_8201_T3): [number, number, number] {
  const step = t.pulseSeconds + t.gapSeconds;
  return [0, step, 2 * step];
}

/** Whether the sounder is on at time `seconds` of a pattern that started at 0. */
export function t3IsOn(seconds: number, t: T3Timing = ISO_8201_T3): boolean {
  if (seconds < 0) return false;
  const within = seconds % t3CycleSeconds(t);
  return t3PulseOffsets(t).some((start) => within >= start && within < start + t.pulseSeconds);
}
