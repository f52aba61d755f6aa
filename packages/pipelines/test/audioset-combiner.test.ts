import { describe, expect, it } from 'vitest';
import { AUDIOSET_CLASSES, AUDIOSET_LABEL_MAP, AUDIOSET_MAPPED_LABELS, NOISE_LABELS, audioSetMapEntry } from '@noise-classifier/config';
import { NUM_AUDIOSET_CLASSES, audioSetEvidence, sigmoid, topAudioSetTags } from '../src/audioset/audioset-evidence';
import { ABSENT_LOGIT, combineHeadAndAudioSet, labelSourcesFor } from '../src/audioset/combined-head';
import { audioSetCombinerLoss, fitAudioSetCombiner, type CombinerExample } from '../src/audioset/fit-combiner';
import { softmaxRows } from '../src/core/probabilities';
import { createPrng } from '../src/synthetic/prng';

const indexOf = (name: string) => AUDIOSET_CLASSES.findIndex(([, n]) => n === name);

/** AudioSet logits of one row, all at `base` except the named classes. */
function audioSetRow(set: Record<string, number> = {}, base = -8): Float32Array {
  const row = new Float32Array(NUM_AUDIOSET_CLASSES).fill(base);
  for (const [name, logit] of Object.entries(set)) {
    const i = indexOf(name);
    if (i < 0) throw new Error(`no AudioSet class ${name}`);
    row[i] = logit;
  }
  return row;
}

describe('audioSetEvidence', () => {
  it("is the largest weight × sigmoid over a label's classes", () => {
    const logits = audioSetRow({ 'Fire alarm': 3, 'Smoke detector, smoke alarm': 1, Static: 6, 'White noise': -1 });
    const labels = ['fire_alarm', 'white_noise', 'pink_noise'];
    const e = audioSetEvidence(logits, 1, labels);
    expect(e[0]).toBeCloseTo(sigmoid(3), 6);
    // Static has weight 0.5 for white_noise: 0.5 × σ(6) ≈ 0.499 beats σ(−1) ≈ 0.269.
    expect(e[1]).toBeCloseTo(0.5 * sigmoid(6), 6);
    expect(e[2]).toBeCloseTo(sigmoid(-8), 6);
  });

  it('gives one column per mapped label by default, row by row', () => {
    const rows = 2;
    const logits = new Float32Array(rows * NUM_AUDIOSET_CLASSES).fill(-8);
    logits.set(audioSetRow({ 'Vacuum cleaner': 4 }), NUM_AUDIOSET_CLASSES);
    const e = audioSetEvidence(logits, rows);
    const m = AUDIOSET_MAPPED_LABELS.length;
    expect(e.length).toBe(rows * m);
    const vacuum = AUDIOSET_MAPPED_LABELS.indexOf('vacuum_cleaner');
    expect(e[vacuum]).toBeCloseTo(sigmoid(-8), 6);
    expect(e[m + vacuum]).toBeCloseTo(sigmoid(4), 6);
  });

  it('refuses unmapped labels and logits of the wrong size', () => {
    const unmapped = AUDIOSET_LABEL_MAP.find((e) => e.kind === 'unmapped')!.label;
    expect(() => audioSetEvidence(audioSetRow(), 1, [unmapped])).toThrow(expect.objectContaining({ code: 'E_CONFIG', field: 'labels[0]' }));
    expect(() => audioSetEvidence(audioSetRow(), 1, ['no_such_label'])).toThrow(/no AudioSet evidence/);
    expect(() => audioSetEvidence(new Float32Array(526), 1)).toThrow(expect.objectContaining({ code: 'E_MODEL_MISMATCH', field: 'audioSetLogits' }));
  });
});

describe('topAudioSetTags', () => {
  it('lists the highest scores first with their AudioSet ids and names', () => {
    const scores = Array.from(audioSetRow({ Rain: 2, Thunder: 5, Wind: 2 }), sigmoid);
    const tags = topAudioSetTags(scores, 3);
    expect(tags.map((t) => t.name)).toEqual(['Thunder', 'Wind', 'Rain'].sort((a, b) => (a === 'Thunder' ? -1 : b === 'Thunder' ? 1 : indexOf(a) - indexOf(b))));
    expect(tags[0]).toEqual({ index: indexOf('Thunder'), mid: AUDIOSET_CLASSES[indexOf('Thunder')]![0], name: 'Thunder', score: sigmoid(5) });
    expect(() => topAudioSetTags([0.5], 1)).toThrow(expect.objectContaining({ code: 'E_MODEL_MISMATCH' }));
  });
});

describe('labelSourcesFor', () => {
  it('marks head labels trained, other mapped labels mapped and the rest none; counts derived from the map', () => {
    const trained = ['dog_barking', 'rain_heavy', 'silence'];
    const sources = labelSourcesFor(trained);
    expect(Object.keys(sources)).toEqual([...NOISE_LABELS]);
    const count = (s: string) => Object.values(sources).filter((v) => v === s).length;
    expect(count('trained')).toBe(trained.length);
    expect(count('mapped')).toBe(AUDIOSET_MAPPED_LABELS.filter((l) => !trained.includes(l)).length);
    expect(count('none')).toBe(AUDIOSET_LABEL_MAP.filter((e) => e.kind === 'unmapped').length);
    // An unmapped label that is trained counts as trained.
    const unmapped = AUDIOSET_LABEL_MAP.find((e) => e.kind === 'unmapped')!.label;
    expect(labelSourcesFor([unmapped])[unmapped]).toBe('trained');
  });
});

describe('combineHeadAndAudioSet', () => {
  const trainedLabels = ['dog_barking', 'rain_heavy', 'silence'];
  const headLogits = Float32Array.from([2, 0, -1]);

  it('keeps the head ratios, gives unmapped labels 0 and sums to 1 over all 59 labels', () => {
    const combined = combineHeadAndAudioSet(headLogits, audioSetRow({ 'Vacuum cleaner': 3 }), 1, { trainedLabels, mappedScale: 1, mappedOffset: 0 });
    expect(combined.length).toBe(NOISE_LABELS.length);
    const p = softmaxRows(combined, 1, NOISE_LABELS.length);
    const at = (l: string) => p[NOISE_LABELS.indexOf(l)]!;
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(at('dog_barking') / at('rain_heavy')).toBeCloseTo(Math.exp(2), 4);
    for (const e of AUDIOSET_LABEL_MAP) if (e.kind === 'unmapped') expect(at(e.label)).toBe(0);
    expect(combined[NOISE_LABELS.indexOf('brown_noise')]).toBe(ABSENT_LOGIT);
    // Vacuum cleaner evidence σ(3) ≈ 0.95: odds 19 against the head's total mass of 1.
    expect(at('vacuum_cleaner') / (at('dog_barking') + at('rain_heavy') + at('silence'))).toBeCloseTo(sigmoid(3) / (1 - sigmoid(3)), 3);
  });

  it('lets the offset move mass between the two sides, monotonically', () => {
    const row = audioSetRow({ 'Vacuum cleaner': 1 });
    const vacuum = NOISE_LABELS.indexOf('vacuum_cleaner');
    const shares = [-6, -2, 0, 2].map((mappedOffset) => {
      const p = softmaxRows(combineHeadAndAudioSet(headLogits, row, 1, { trainedLabels, mappedScale: 1, mappedOffset }), 1, NOISE_LABELS.length);
      return p[vacuum];
    });
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1]!);
  });

  it('refuses bad sizes and parameters, naming the field', () => {
    const spec = { trainedLabels, mappedScale: 1, mappedOffset: 0 };
    expect(() => combineHeadAndAudioSet(new Float32Array(2), audioSetRow(), 1, spec)).toThrow(expect.objectContaining({ field: 'headLogits' }));
    expect(() => combineHeadAndAudioSet(headLogits, new Float32Array(3), 1, spec)).toThrow(expect.objectContaining({ field: 'audioSetLogits' }));
    expect(() => combineHeadAndAudioSet(headLogits, audioSetRow(), 1, { ...spec, mappedScale: 0 })).toThrow(expect.objectContaining({ field: 'mappedScale' }));
    expect(() => combineHeadAndAudioSet(headLogits, audioSetRow(), 1, { ...spec, trainedLabels: ['dog_barking', 'dog_barking', 'x'] })).toThrow(
      expect.objectContaining({ field: 'trainedLabels' }),
    );
  });
});

describe('fitAudioSetCombiner', () => {
  // Trained labels that are also mapped (held out in turn), and a handful of mapped-only rivals.
  const trainedLabels = ['dog_barking', 'rain_heavy', 'thunder', 'vacuum_cleaner'];
  const mappedLabels = ['subway', 'motorcycle', 'waterfall', 'restaurant'];
  const primary = (label: string) => {
    const e = audioSetMapEntry(label);
    if (e?.kind !== 'mapped') throw new Error(label);
    return e.classes[0]!.name;
  };

  /** Clips whose head is right most of the time and whose AudioSet evidence is as informative as `signal`. */
  function examples(signal: number, seed = 1, perLabel = 40): CombinerExample[] {
    const random = createPrng(seed);
    const gauss = () => random.normal();
    const out: CombinerExample[] = [];
    for (const label of trainedLabels) {
      for (let k = 0; k < perLabel; k++) {
        const headLogits = Float32Array.from(trainedLabels, (l) => (l === label ? 3 : 0) + gauss());
        const set: Record<string, number> = {};
        for (const l of [...trainedLabels, ...mappedLabels]) set[primary(l)] = -4 + (l === label ? signal : 0) + gauss();
        out.push({ label, headLogits, audioSetLogits: audioSetRow(set) });
      }
    }
    return out;
  }

  it('finds the optimum of its convex objective: every nearby point is worse', () => {
    const data = examples(2);
    const options = { trainedLabels, mappedLabels };
    const fit = fitAudioSetCombiner(data, options);
    expect(fit.loss).toBeLessThanOrEqual(fit.initialLoss);
    expect(fit.loss).toBeCloseTo(audioSetCombinerLoss(data, options, fit), 10);
    const steps: [number, number][] = [[0.05, 0], [-0.05, 0], [0, 0.2], [0, -0.2]];
    for (const [ds, db] of steps) {
      const nearby = audioSetCombinerLoss(data, options, { mappedScale: fit.mappedScale + ds, mappedOffset: fit.mappedOffset + db });
      expect(nearby).toBeGreaterThan(fit.loss);
    }
    expect(fit.heldOutLabels).toEqual(trainedLabels);
    expect(fit.pairs).toBe(data.length * trainedLabels.length);
  });

  it('stays finite when the evidence separates the clips perfectly (the ridge)', () => {
    const fit = fitAudioSetCombiner(examples(12), { trainedLabels, mappedLabels });
    expect(fit.heldOutTop1).toBe(1);
    expect(fit.mappedScale).toBeLessThan(50);
    expect(Math.abs(fit.mappedOffset)).toBeLessThan(50);
  });

  it('trusts informative AudioSet evidence and quiets uninformative evidence (neither side swamps the other)', () => {
    const informative = fitAudioSetCombiner(examples(6), { trainedLabels, mappedLabels });
    const noise = fitAudioSetCombiner(examples(0), { trainedLabels, mappedLabels });
    // Informative: the held-out label wins on most of its own clips.
    expect(informative.heldOutTop1).toBeGreaterThan(0.8);
    // Pure noise: no information about the truth, so the mapped side is scaled down and pushed below the head.
    expect(noise.mappedScale).toBeLessThan(informative.mappedScale);
    expect(noise.heldOutTop1).toBeLessThan(0.3);
  });

  it('weighs clips of mapped labels as much as clips of trained labels by default (mappedShare 0.5)', () => {
    const data = examples(2);
    const options = { trainedLabels, mappedLabels };
    const balanced = fitAudioSetCombiner(data, options);
    const natural = fitAudioSetCombiner(data, { ...options, mappedShare: null });
    // Unweighted, mapped truth is 1 pair in 4 here: the fit favours the head, so held-out labels win less often.
    expect(natural.mappedOffset).toBeLessThan(balanced.mappedOffset);
    expect(natural.heldOutTop1).toBeLessThan(balanced.heldOutTop1);
    expect(() => fitAudioSetCombiner(data, { ...options, mappedShare: 1 })).toThrow(expect.objectContaining({ field: 'mappedShare' }));
  });

  it('refuses clips of labels outside the head and heads without a mapped label', () => {
    const data = examples(6).slice(0, 2);
    expect(() => fitAudioSetCombiner([{ ...data[0]!, label: 'subway' }], { trainedLabels, mappedLabels })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', field: 'examples[0].label' }),
    );
    expect(() => fitAudioSetCombiner(data, { trainedLabels: ['brown_noise'], mappedLabels })).toThrow(expect.objectContaining({ field: 'trainedLabels' }));
    expect(() => fitAudioSetCombiner(data, { trainedLabels, mappedLabels: ['thunder'] })).toThrow(expect.objectContaining({ field: 'mappedLabels' }));
  });
});
