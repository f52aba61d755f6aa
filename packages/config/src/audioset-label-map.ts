/**
 * Which AudioSet classes are evidence for which taxonomy label. An AudioSet-trained network (EfficientAT mn04) gives
 * 527 independent sigmoid scores; for a label without training clips, the scores of the classes listed here are its
 * only evidence. Reviewed by hand against the 527 display names; `note` says why each class belongs, and labels with
 * no sensible AudioSet class are listed as unmapped with a reason rather than forced onto a loose one.
 *
 * A class may be evidence for more than one label (AudioSet does not separate a busy café from a crowd). `weight`
 * (default 1) discounts a looser or shared class, so a label's own class outranks it: the evidence for a label is the
 * largest `weight × sigmoid(logit)` over its classes (see `@noise-classifier/pipelines` `audioSetEvidence`). The max,
 * not a noisy-OR, because AudioSet classes are nested (Bird ⊃ Bird vocalization ⊃ Chirp) and fire together.
 *
 * Class ids and names: AudioSet ontology (Google, CC BY 4.0), see `./audioset-classes`.
 */
import { NOISE_LABELS } from './taxonomy';

/** One AudioSet class, by model-output index, ontology id and display name (all three are checked in tests). */
export interface AudioSetEvidenceClass {
  readonly index: number;
  readonly mid: string;
  readonly name: string;
  /** In (0, 1]; below 1 for evidence that is looser or shared with another label. */
  readonly weight: number;
}

export interface MappedLabel {
  readonly label: string;
  readonly kind: 'mapped';
  readonly classes: readonly AudioSetEvidenceClass[];
  readonly note: string;
}

export interface UnmappedLabel {
  readonly label: string;
  readonly kind: 'unmapped';
  /** Why no AudioSet class is sensible evidence. */
  readonly reason: string;
}

export type AudioSetLabelMapEntry = MappedLabel | UnmappedLabel;

/** Where a model's probability for a label comes from: its trained head, mapped AudioSet scores, or nowhere. */
export type LabelSource = 'trained' | 'mapped' | 'none';

export const LABEL_SOURCES: readonly LabelSource[] = Object.freeze(['trained', 'mapped', 'none'] as const);

function cls(index: number, mid: string, name: string, weight = 1): AudioSetEvidenceClass {
  return Object.freeze({ index, mid, name, weight });
}

function mapped(label: string, classes: AudioSetEvidenceClass[], note: string): MappedLabel {
  return Object.freeze({ label, kind: 'mapped', classes: Object.freeze(classes), note });
}

function unmapped(label: string, reason: string): UnmappedLabel {
  return Object.freeze({ label, kind: 'unmapped', reason });
}

const ENTRIES: readonly AudioSetLabelMapEntry[] = [
  // Environmental
  mapped('white_noise', [cls(520, '/m/0chx_', 'White noise'), cls(515, '/m/07rgkc5', 'Static', 0.5)],
    'White noise is an AudioSet class; radio static is white-like broadband hiss'),
  mapped('pink_noise', [cls(521, '/m/0cj0r', 'Pink noise')], 'Pink noise is an AudioSet class'),
  unmapped('brown_noise', 'AudioSet has White noise and Pink noise but no brown (red) noise; Noise and Rumble are far looser'),
  unmapped('blue_noise', 'no AudioSet class for blue (rising-spectrum) noise; Hiss belongs to the Cat branch'),

  // Transportation
  mapped('traffic_highway', [cls(327, '/m/0btp2', 'Traffic noise, roadway noise'), cls(316, '/m/07r04', 'Truck', 0.5)],
    'continuous road traffic, heavy lorries; shares Traffic noise with traffic_urban'),
  mapped('traffic_urban', [
    cls(327, '/m/0btp2', 'Traffic noise, roadway noise'),
    cls(352, '/m/07pb8fc', 'Idling'),
    cls(307, '/m/0k4j', 'Car', 0.5),
    cls(321, '/m/01bjv', 'Bus', 0.5),
    cls(308, '/m/0912c9', 'Vehicle horn, car horn, honking', 0.5),
  ], 'street traffic; the training clips are idling engines (UrbanSound8K engine_idling, ESC-50 engine)'),
  mapped('traffic_rural', [cls(314, '/t/dd00134', 'Car passing by')],
    'a single car passing on a quiet road; dense traffic is the other two traffic labels'),
  mapped('aircraft_takeoff', [cls(337, '/m/04229', 'Jet engine'), cls(336, '/m/014yck', 'Aircraft engine', 0.5)],
    'engines at full thrust; AudioSet has no flight phases, so this split from cruise is by loudness of the engine'),
  mapped('aircraft_cruise', [cls(340, '/m/0cmf2', 'Fixed-wing aircraft, airplane'), cls(335, '/m/0k5j', 'Aircraft', 0.5)],
    'an aeroplane overhead (the ESC-50 airplane clips are fly-overs)'),
  unmapped('aircraft_landing', 'AudioSet does not separate flight phases; its aircraft classes are mapped to takeoff and cruise'),
  mapped('train_interior', [cls(332, '/m/01g50p', 'Railroad car, train wagon'), cls(492, '/m/07rwm0c', 'Clickety-clack')],
    'carriage rumble and the rhythm of wheels on rail joints, as heard inside'),
  mapped('train_exterior', [
    cls(329, '/m/07jdr', 'Train'),
    cls(328, '/m/06d_3', 'Rail transport', 0.5),
    cls(330, '/m/04zmvq', 'Train whistle', 0.5),
    cls(331, '/m/0284vy3', 'Train horn', 0.5),
  ], 'a passing train (the ESC-50 train clips)'),
  mapped('subway', [cls(334, '/m/0195fx', 'Subway, metro, underground')], 'Subway, metro, underground is an AudioSet class'),
  mapped('motorcycle', [cls(326, '/m/04_sv', 'Motorcycle')], 'Motorcycle is an AudioSet class'),
  mapped('bicycle', [cls(341, '/m/0199g', 'Bicycle'), cls(203, '/m/0gy1t2s', 'Bicycle bell', 0.5)],
    'Bicycle is an AudioSet class (chain, freewheel); a bicycle bell is indirect evidence'),
  unmapped('electric_vehicle', 'no AudioSet class for electric vehicles; their tyre noise and warning hum have no class of their own'),

  // Urban
  mapped('office_quiet', [cls(384, '/m/0316dw', 'Typing'), cls(386, '/m/01m2v', 'Computer keyboard')],
    'weak: keyboards are the typical event in a quiet office; AudioSet has no office scene'),
  mapped('office_busy', [
    cls(390, '/m/07pp8cl', 'Telephone bell ringing'),
    cls(391, '/m/01hnzm', 'Ringtone'),
    cls(389, '/m/07cx4', 'Telephone', 0.5),
    cls(415, '/m/01m4t', 'Printer', 0.5),
  ], 'weak: telephones and printers mark a busy office; AudioSet has no office scene'),
  mapped('office_hvac', [cls(413, '/m/025wky1', 'Air conditioning', 0.5)],
    'ventilation noise; shared with hvac_fan (which owns it), so discounted'),
  mapped('construction_drilling', [cls(425, '/m/01d380', 'Drill'), cls(424, '/m/0_ksk', 'Power tool', 0.5)],
    'Drill is an AudioSet class; Power tool is its parent'),
  mapped('construction_hammering', [cls(420, '/m/03p19w', 'Jackhammer'), cls(419, '/m/03l9g', 'Hammer')],
    'the training clips are jackhammers (UrbanSound8K); Hammer covers hand hammering'),
  mapped('construction_sawing', [cls(421, '/m/01b82r', 'Sawing'), cls(347, '/m/01j4z9', 'Chainsaw')],
    'the training clips are chainsaws (ESC-10) and hand saws (ESC-50)'),
  unmapped('cafe_quiet', 'no AudioSet class separates a quiet café from a restaurant; crockery classes are mapped to restaurant'),
  mapped('cafe_busy', [cls(70, '/m/07qfr4h', 'Hubbub, speech noise, speech babble', 0.5)],
    'weak: many voices at once; shared with crowd_talking, so discounted'),
  mapped('restaurant', [cls(365, '/m/023pjk', 'Cutlery, silverware'), cls(364, '/m/04brg2', 'Dishes, pots, and pans')],
    'cutlery and crockery; AudioSet has no restaurant scene'),
  mapped('shopping_mall', [cls(508, '/t/dd00127', 'Inside, public space', 0.5)],
    'weak: the acoustic-scene class for public interiors; terminals and stations fit it too, so discounted'),
  unmapped('airport_terminal', 'no AudioSet class for terminals or announcements; Inside, public space is mapped to shopping_mall'),
  mapped('train_station', [cls(333, '/t/dd00048', 'Train wheels squealing'), cls(508, '/t/dd00127', 'Inside, public space', 0.25)],
    'weak: brakes squealing as trains come into a platform; public interiors in general'),

  // Industrial
  mapped('factory_general', [cls(404, '/t/dd00077', 'Mechanisms', 0.5)],
    'weak: the parent class of machine mechanisms; AudioSet has no factory scene'),
  mapped('factory_machinery', [cls(409, '/m/0l7xg', 'Gears'), cls(410, '/m/05zc1', 'Pulleys')],
    'weak: running gears and pulleys of machines'),
  mapped('factory_assembly', [cls(405, '/m/02bm9n', 'Ratchet, pawl', 0.5), cls(489, '/m/07qmpdm', 'Clatter', 0.5)],
    'weak: ratcheting and clattering parts; AudioSet has no assembly-line class'),
  mapped('warehouse', [cls(319, '/m/02rhddq', 'Reversing beeps'), cls(507, '/t/dd00126', 'Inside, large room or hall', 0.5)],
    'forklift reversing beeps in a large hall'),
  mapped('server_room', [cls(496, '/m/07rcgpl', 'Hum', 0.5)],
    'weak: steady electrical hum; fans are mapped to other labels'),
  mapped('generator', [cls(348, '/t/dd00066', 'Medium engine (mid frequency)', 0.5), cls(349, '/t/dd00067', 'Heavy engine (low frequency)', 0.5)],
    'weak: a generator is a stationary engine; AudioSet names engines by pitch, not use'),

  // Natural
  mapped('wind_light', [cls(284, '/m/09t49', 'Rustling leaves'), cls(283, '/m/03m9d0z', 'Wind', 0.5)],
    'a breeze in leaves; Wind is shared with wind_strong'),
  mapped('wind_strong', [cls(283, '/m/03m9d0z', 'Wind'), cls(285, '/t/dd00092', 'Wind noise (microphone)')],
    'gusts, often on the microphone (the ESC-50 wind clips)'),
  mapped('rain_light', [cls(290, '/m/07r10fb', 'Raindrop'), cls(448, '/m/07r5v4s', 'Drip', 0.5)],
    'separate drops rather than a steady roar'),
  mapped('rain_heavy', [cls(289, '/m/06mb1', 'Rain'), cls(291, '/t/dd00038', 'Rain on surface')],
    'steady rain (the ESC-10 rain clips); AudioSet does not grade intensity'),
  mapped('thunder', [cls(287, '/m/0ngt1', 'Thunder'), cls(286, '/m/0jb2l', 'Thunderstorm')],
    'Thunder and Thunderstorm are AudioSet classes (the ESC-50 thunderstorm clips)'),
  mapped('ocean_waves', [cls(295, '/m/034srq', 'Waves, surf'), cls(294, '/m/05kq4', 'Ocean')],
    'Waves, surf and Ocean are AudioSet classes'),
  mapped('waterfall', [cls(293, '/m/0j2kx', 'Waterfall'), cls(292, '/m/0j6m2', 'Stream', 0.5)],
    'Waterfall is an AudioSet class; a stream is smaller running water'),
  mapped('forest', [
    cls(112, '/m/020bb7', 'Bird vocalization, bird call, bird song'),
    cls(113, '/m/07pggtn', 'Chirp, tweet'),
    cls(111, '/m/015p6', 'Bird', 0.5),
    cls(510, '/t/dd00129', 'Outside, rural or natural', 0.25),
  ], 'birdsong ambience (the ESC-50 chirping_birds clips) and rural outdoor scenes'),

  // Indoor
  mapped('hvac_fan', [cls(413, '/m/025wky1', 'Air conditioning'), cls(412, '/m/02x984l', 'Mechanical fan', 0.5)],
    'air conditioners (the UrbanSound8K air_conditioner clips); Mechanical fan is shared with air_purifier'),
  unmapped('refrigerator', 'no AudioSet class for refrigerators; a compressor hum is only Hum, mapped to server_room'),
  mapped('dishwasher', [cls(453, '/m/07qlf79', 'Spray', 0.5), cls(446, '/m/07p6mqd', 'Slosh', 0.5)],
    'weak: water jets and sloshing; AudioSet has no dishwasher class'),
  mapped('washing_machine', [cls(523, '/m/01jwx6', 'Vibration', 0.5), cls(446, '/m/07p6mqd', 'Slosh', 0.5)],
    'weak: spin-cycle vibration and sloshing; AudioSet has no washing-machine class'),
  mapped('vacuum_cleaner', [cls(377, '/m/0d31p', 'Vacuum cleaner')], 'Vacuum cleaner is an AudioSet class'),
  mapped('air_purifier', [cls(412, '/m/02x984l', 'Mechanical fan')],
    'an air purifier is a fan behind a filter; AudioSet has no purifier class'),
  mapped('computer_fan', [cls(488, '/m/07s34ls', 'Whir')],
    'weak: the whir of a small fast fan; AudioSet has no computer-fan class'),

  // Human
  mapped('crowd_applause', [cls(67, '/m/028ght', 'Applause'), cls(63, '/m/0l15bq', 'Clapping')],
    'Applause and Clapping are AudioSet classes (the ESC-50 clapping clips)'),
  mapped('crowd_cheering', [cls(66, '/m/053hz1', 'Cheering'), cls(69, '/m/03qtwd', 'Crowd', 0.5), cls(10, '/m/07rwj3x', 'Whoop', 0.5)],
    'Cheering is an AudioSet class; Crowd is the looser parent'),
  mapped('crowd_talking', [
    cls(68, '/m/07rkbfh', 'Chatter'),
    cls(70, '/m/07qfr4h', 'Hubbub, speech noise, speech babble'),
    cls(4, '/m/01h8n0', 'Conversation', 0.5),
    cls(71, '/t/dd00013', 'Children playing', 0.5),
  ], 'many voices; the training clips are UrbanSound8K children_playing'),
  mapped('baby_crying', [cls(23, '/t/dd00002', 'Baby cry, infant cry'), cls(22, '/m/0463cq4', 'Crying, sobbing', 0.5)],
    'Baby cry, infant cry is an AudioSet class'),
  mapped('dog_barking', [
    cls(75, '/m/05tny_', 'Bark'),
    cls(78, '/m/07rc7d9', 'Bow-wow'),
    cls(76, '/m/07r_k2n', 'Yip'),
    cls(74, '/m/0bt9lr', 'Dog', 0.5),
  ], 'Bark and its kinds are AudioSet classes; Dog is the parent'),
  mapped('music_bass', [cls(142, '/m/018vs', 'Bass guitar'), cls(168, '/m/0bm02', 'Bass drum'), cls(194, '/m/02fsn', 'Double bass')],
    'low-register instruments'),
  mapped('music_treble', [
    cls(191, '/m/07y_7', 'Violin, fiddle', 0.5),
    cls(196, '/m/0l14j_', 'Flute', 0.5),
    cls(181, '/m/0dwtp', 'Glockenspiel', 0.5),
    cls(172, '/m/03qtq', 'Hi-hat', 0.5),
    cls(171, '/m/01qbl', 'Cymbal', 0.5),
  ], 'weak: high-register instruments; treble is a spectral property AudioSet does not label'),

  // Other
  mapped('silence', [cls(500, '/m/028v0c', 'Silence')], 'Silence is an AudioSet class'),
  mapped('mixed_noise', [cls(519, '/m/07szfh9', 'Cacophony'), cls(514, '/m/06_y0by', 'Environmental noise', 0.5), cls(513, '/m/096m7z', 'Noise', 0.25)],
    'many sources at once; Environmental noise and Noise are broad parents'),
  mapped('fire_alarm', [cls(400, '/m/0c3f7m', 'Fire alarm'), cls(399, '/m/01y3hg', 'Smoke detector, smoke alarm')],
    'Fire alarm and Smoke detector are AudioSet classes; generic Alarm (clocks, cars) is left out'),
];

/** The map in taxonomy order; every taxonomy label has exactly one entry (checked in tests). */
export const AUDIOSET_LABEL_MAP: readonly AudioSetLabelMapEntry[] = Object.freeze(
  [...ENTRIES].sort((a, b) => NOISE_LABELS.indexOf(a.label) - NOISE_LABELS.indexOf(b.label)),
);

const ENTRY_BY_LABEL: ReadonlyMap<string, AudioSetLabelMapEntry> = new Map(AUDIOSET_LABEL_MAP.map((e) => [e.label, e]));

/** The map's entry for a label, or undefined for labels outside the taxonomy. */
export function audioSetMapEntry(label: string): AudioSetLabelMapEntry | undefined {
  return ENTRY_BY_LABEL.get(label);
}

/** Taxonomy labels with AudioSet evidence, in taxonomy order. */
export const AUDIOSET_MAPPED_LABELS: readonly string[] = Object.freeze(
  AUDIOSET_LABEL_MAP.filter((e) => e.kind === 'mapped').map((e) => e.label),
);
