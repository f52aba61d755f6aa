import { NoiseClassifierError } from '@noise-classifier/config';
import { createRandom } from '@noise-classifier/features';
import { loadTf, type TfModule } from '@noise-classifier/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogisticHead, type LinearHeadWeights } from '../src/pretrained/logistic-head';

let tf: TfModule;
beforeAll(async () => {
  tf = await loadTf();
});

/** Three Gaussian clusters in 6 dimensions; feature 0 carries the class, the rest is noise of very different scales. */
function clusters(perClass: number, seed: number, scales = [1, 1, 1, 1, 1, 1]): { vectors: Float32Array[]; targets: number[] } {
  const rng = createRandom(seed);
  const vectors: Float32Array[] = [];
  const targets: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const v = Float32Array.from({ length: 6 }, (_, d) => ((d === 0 ? 4 * c : d === 1 ? 3 * (c % 2) : 0) + rng.normal()) * scales[d]!);
      vectors.push(v);
      targets.push(c);
    }
  }
  return { vectors, targets };
}

/** The logits a dense layer with these weights gives a raw vector. */
function logits(head: LinearHeadWeights, v: Float32Array): number[] {
  return Array.from({ length: head.classes }, (_, c) => v.reduce((sum, x, d) => sum + x * head.kernel[d * head.classes + c]!, head.bias[c]!));
}
const predict = (head: LinearHeadWeights, v: Float32Array) => {
  const z = logits(head, v);
  return z.indexOf(Math.max(...z));
};

describe('fitLogisticHead', () => {
  it('separates held-out clusters, as one dense layer over the raw vectors (standardisation folded in)', () => {
    const train = clusters(40, 1, [100, 0.01, 5, 5, 5, 5]);
    const test = clusters(20, 2, [100, 0.01, 5, 5, 5, 5]);
    const head = fitLogisticHead(tf, train.vectors, train.targets, 3);
    expect(head.kernel).toHaveLength(6 * 3);
    const right = test.vectors.filter((v, i) => predict(head, v) === test.targets[i]).length;
    expect(right / test.vectors.length).toBeGreaterThan(0.9);
    expect(Number.isFinite(head.loss)).toBe(true);
  });

  it('does not care about the scale of a standardised feature: rescaling one gives the same predictions', () => {
    const train = clusters(30, 3);
    const scaled = train.vectors.map((v) => Float32Array.from(v, (x, d) => (d === 1 ? x * 1000 : x)));
    const a = fitLogisticHead(tf, train.vectors, train.targets, 3);
    const b = fitLogisticHead(tf, scaled, train.targets, 3);
    const test = clusters(20, 4);
    for (const v of test.vectors) {
      const za = logits(a, v);
      const zb = logits(b, Float32Array.from(v, (x, d) => (d === 1 ? x * 1000 : x)));
      za.forEach((z, c) => expect(zb[c]).toBeCloseTo(z, 2));
    }
  });

  it('leaves features after standardisedFeatures on their own scale, so the L2 penalty shrinks a small one', () => {
    const train = clusters(30, 5, [1, 0.01, 1, 1, 1, 1]);
    const all = fitLogisticHead(tf, train.vectors, train.targets, 3, { l2: 0.05 });
    const firstOnly = fitLogisticHead(tf, train.vectors, train.targets, 3, { l2: 0.05, standardisedFeatures: 1 });
    // Feature 1 (std 0.01, informative) is used once standardised; left raw, its weight stays tiny in logit terms.
    const influence = (h: LinearHeadWeights) => Math.max(...[0, 1, 2].map((c) => Math.abs(h.kernel[1 * 3 + c]! * 0.01)));
    expect(influence(all)).toBeGreaterThan(10 * influence(firstOnly));
  });

  it('is deterministic: the same data give the same bytes (no seed involved)', () => {
    const train = clusters(20, 6);
    const a = fitLogisticHead(tf, train.vectors, train.targets, 3, { steps: 50 });
    const b = fitLogisticHead(tf, train.vectors, train.targets, 3, { steps: 50 });
    expect(Buffer.from(a.kernel.buffer).equals(Buffer.from(b.kernel.buffer))).toBe(true);
    expect(Array.from(a.bias)).toEqual(Array.from(b.bias));
  });

  it('class weights shift the decision towards the weighted class', () => {
    const train = clusters(30, 7);
    const plain = fitLogisticHead(tf, train.vectors, train.targets, 3, { l2: 1 });
    const favourTwo = fitLogisticHead(tf, train.vectors, train.targets, 3, { l2: 1, classWeights: Float32Array.from([1, 1, 20]) });
    const test = clusters(20, 8);
    const twos = (h: LinearHeadWeights) => test.vectors.filter((v) => predict(h, v) === 2).length;
    expect(twos(favourTwo)).toBeGreaterThan(twos(plain));
  });

  it('refuses vectors without matching targets or of different lengths (E_DATASET naming the field)', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(NoiseClassifierError);
        return e as NoiseClassifierError;
      }
      throw new Error('expected an error');
    };
    expect(error(() => fitLogisticHead(tf, [], [], 2)).code).toBe('E_DATASET');
    expect(error(() => fitLogisticHead(tf, [new Float32Array(3)], [0, 1], 2)).field).toBe('vectors');
    expect(error(() => fitLogisticHead(tf, [new Float32Array(3), new Float32Array(4)], [0, 1], 2)).field).toBe('vectors[1]');
  });
});
