import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../src/metrics/classification-metrics';

describe('computeClassificationMetrics', () => {
  // Hand-computed case: 3 classes, 8 examples.
  //   truths:      a a a b b c c c
  //   predictions: a a b b c c c a
  // confusion (rows = truth a,b,c; cols = prediction a,b,c):
  //   a: [2,1,0]  b: [0,1,1]  c: [1,0,2]
  // precision a = 2/3, b = 1/2, c = 2/3; recall a = 2/3, b = 1/2, c = 2/3
  // F1 = same (precision = recall per class); macro-F1 = (2/3 + 1/2 + 2/3)/3 = 11/18; accuracy = 5/8.
  const truths = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c'];
  const preds = ['a', 'a', 'b', 'b', 'c', 'c', 'c', 'a'];

  it('matches the hand-computed figures', () => {
    const r = computeClassificationMetrics(truths, preds);
    expect(r.labels).toEqual(['a', 'b', 'c']);
    expect(r.confusionMatrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 2],
    ]);
    expect(r.accuracy).toBeCloseTo(5 / 8, 12);
    expect(r.perClass.a).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expect(r.perClass.b!.precision).toBeCloseTo(0.5, 12);
    expect(r.perClass.c!.support).toBe(3);
    expect(r.macroF1).toBeCloseTo(11 / 18, 12);
    expect(r.sampleCount).toBe(8);
  });

  it('uses zero for undefined precision/recall and follows a given label order', () => {
    // truths x x y, predictions x x x: y is never predicted (precision 0 by convention), recall 0.
    const r = computeClassificationMetrics(['x', 'x', 'y'], ['x', 'x', 'x'], { labelOrder: ['z', 'y', 'x'] });
    expect(r.labels).toEqual(['y', 'x']);
    expect(r.perClass.y).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    // x: precision 2/3, recall 1 → F1 = 0.8
    expect(r.perClass.x!.f1).toBeCloseTo(0.8, 12);
    expect(r.macroF1).toBeCloseTo(0.4, 12);
    expect(r.confusionMatrix).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it('gives precision ≠ recall when errors are asymmetric', () => {
    // truths a a b b, preds a a a b → a: P 2/3 R 1 F1 0.8; b: P 1 R 1/2 F1 2/3
    const r = computeClassificationMetrics(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b']);
    expect(r.perClass.a!.precision).toBeCloseTo(2 / 3, 12);
    expect(r.perClass.a!.recall).toBe(1);
    expect(r.perClass.b!.f1).toBeCloseTo(2 / 3, 12);
    expect(r.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
  });

  it('rejects mismatched lengths, empty input and labels outside the report', () => {
    expect(() => computeClassificationMetrics(['a'], [])).toThrow(/E_DATASET|length/);
    expect(() => computeClassificationMetrics([], [])).toThrow(/empty/);
    expect(() => computeClassificationMetrics(['a'], ['q'], { labels: ['a'] })).toThrow(/predictions\[0\]/);
  });
});
