import { describe, expect, it } from 'vitest';
import {
  NOISE_CATEGORIES,
  NOISE_GROUPS,
  NOISE_LABELS,
  NUM_NOISE_CLASSES,
  EMERGENCY_LABELS,
  categoriesInGroup,
  getCategory,
  isEmergencyLabel,
  labelIndex,
  createModelConfig,
} from '../src/index';

describe('noise taxonomy', () => {
  it('derives the class count from the list (the seed lists 59 names although it says 58)', () => {
    expect(NOISE_LABELS.length).toBe(NUM_NOISE_CLASSES);
    expect(new Set(NOISE_LABELS).size).toBe(NOISE_LABELS.length);
    expect(NUM_NOISE_CLASSES).toBe(59);
  });

  it('keeps the seed order: environmental first, fire_alarm last', () => {
    expect(NOISE_LABELS[0]).toBe('white_noise');
    expect(NOISE_LABELS.at(-1)).toBe('fire_alarm');
    expect(labelIndex('traffic_highway')).toBe(4);
    expect(labelIndex('not_a_label')).toBe(-1);
  });

  it('has the seed group sizes', () => {
    const sizes = Object.fromEntries(NOISE_GROUPS.map((g) => [g, categoriesInGroup(g).length]));
    expect(sizes).toEqual({
      Environmental: 4,
      Transportation: 12,
      Urban: 12,
      Industrial: 6,
      Natural: 8,
      Indoor: 7,
      Human: 7,
      Other: 3,
    });
  });

  it('flags fire_alarm, and only it, as an emergency', () => {
    expect(EMERGENCY_LABELS).toEqual(['fire_alarm']);
    expect(isEmergencyLabel('fire_alarm')).toBe(true);
    expect(isEmergencyLabel('baby_crying')).toBe(false);
    expect(getCategory('fire_alarm')).toEqual({ name: 'fire_alarm', group: 'Other', emergency: true });
    expect(NOISE_CATEGORIES.filter((c) => c.emergency)).toHaveLength(1);
  });

  it('is immutable', () => {
    expect(() => (NOISE_LABELS as string[]).push('x')).toThrow();
    expect(NOISE_LABELS).toHaveLength(59);
  });

  it('gives ModelConfig a default numClasses equal to the list length', () => {
    expect(createModelConfig().numClasses).toBe(NOISE_LABELS.length);
  });
});
