/**
 * The noise taxonomy, in the seed's order. The seed calls it "58 classes" (and "57" in a diagram) but lists
 * 59 names; the list is the truth and every count below is derived from it.
 */
export const NOISE_GROUPS = [
  'Environmental',
  'Transportation',
  'Urban',
  'Industrial',
  'Natural',
  'Indoor',
  'Human',
  'Other',
] as const;

export type NoiseGroup = (typeof NOISE_GROUPS)[number];

export interface NoiseCategory {
  /** snake_case label, as in the seed and in model files. */
  readonly name: string;
  readonly group: NoiseGroup;
  /** True for categories that must raise an alarm (fire_alarm). */
  readonly emergency: boolean;
}

const GROUPED_NAMES: Readonly<Record<NoiseGroup, readonly string[]>> = {
  Environmental: ['white_noise', 'pink_noise', 'brown_noise', 'blue_noise'],
  Transportation: [
    'traffic_highway', 'traffic_urban', 'traffic_rural', 'aircraft_takeoff', 'aircraft_cruise', 'aircraft_landing',
    'train_interior', 'train_exterior', 'subway', 'motorcycle', 'bicycle', 'electric_vehicle',
  ],
  Urban: [
    'office_quiet', 'office_busy', 'office_hvac', 'construction_drilling', 'construction_hammering',
    'construction_sawing', 'cafe_quiet', 'cafe_busy', 'restaurant', 'shopping_mall', 'airport_terminal', 'train_station',
  ],
  Industrial: ['factory_general', 'factory_machinery', 'factory_assembly', 'warehouse', 'server_room', 'generator'],
  Natural: ['wind_light', 'wind_strong', 'rain_light', 'rain_heavy', 'thunder', 'ocean_waves', 'waterfall', 'forest'],
  Indoor: ['hvac_fan', 'refrigerator', 'dishwasher', 'washing_machine', 'vacuum_cleaner', 'air_purifier', 'computer_fan'],
  Human: [
    'crowd_applause', 'crowd_cheering', 'crowd_talking', 'baby_crying', 'dog_barking', 'music_bass', 'music_treble',
  ],
  Other: ['silence', 'mixed_noise', 'fire_alarm'],
};

const EMERGENCY_NAMES: ReadonlySet<string> = new Set(['fire_alarm']);

export const NOISE_CATEGORIES: readonly NoiseCategory[] = Object.freeze(
  NOISE_GROUPS.flatMap((group) =>
    GROUPED_NAMES[group].map((name) => Object.freeze({ name, group, emergency: EMERGENCY_NAMES.has(name) })),
  ),
);

/** Labels in model-output order. */
export const NOISE_LABELS: readonly string[] = Object.freeze(NOISE_CATEGORIES.map((c) => c.name));

/** Derived from the list (59), never typed in. */
export const NUM_NOISE_CLASSES: number = NOISE_LABELS.length;

export const EMERGENCY_LABELS: readonly string[] = Object.freeze(
  NOISE_CATEGORIES.filter((c) => c.emergency).map((c) => c.name),
);

const INDEX_BY_LABEL: ReadonlyMap<string, number> = new Map(NOISE_LABELS.map((name, index) => [name, index]));

/** Index of a label in the default taxonomy, or -1. */
export function labelIndex(label: string): number {
  return INDEX_BY_LABEL.get(label) ?? -1;
}

export function getCategory(label: string): NoiseCategory | undefined {
  const index = INDEX_BY_LABEL.get(label);
  return index === undefined ? undefined : NOISE_CATEGORIES[index];
}

export function categoriesInGroup(group: NoiseGroup): readonly NoiseCategory[] {
  return NOISE_CATEGORIES.filter((c) => c.group === group);
}

export function isEmergencyLabel(label: string): boolean {
  return EMERGENCY_NAMES.has(label);
}
