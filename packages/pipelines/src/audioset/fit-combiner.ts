import { NoiseClassifierError, audioSetMapEntry, describeValue } from '@noise-classifier/config';
import { NUM_AUDIOSET_CLASSES, audioSetEvidence } from './audioset-evidence';
import { EVIDENCE_EPSILON, type AudioSetCombinerParams } from './combined-head';

/** One clip of the calibration data: the head's and AudioSet's outputs (clip-level) and its true label. */
export interface CombinerExample {
  readonly label: string;
  /** Trained head logits, in `trainedLabels` order. */
  readonly headLogits: Float32Array;
  /** The 527 AudioSet logits. */
  readonly audioSetLogits: Float32Array;
}

export interface FitCombinerOptions {
  readonly trainedLabels: readonly string[];
  /** Labels that are mapped but not trained (they compete as mapped labels in every simulated split). */
  readonly mappedLabels: readonly string[];
  /** Newton steps (default 50); the loss is convex, so this is a cap, not a tuning knob. */
  readonly maxIterations?: number;
  /**
   * Weight of `((scale − 1)² + offset²) / 2` added to the loss (default 1e-3): when the evidence separates the
   * calibration clips perfectly, the likelihood alone would grow both numbers without end.
   */
  readonly ridge?: number;
  /**
   * Share of the total weight given to clips whose true label is the held-out (mapped) one, in (0, 1); default 0.5:
   * a clip of a mapped label counts as much as a clip of a trained label, so neither side swamps the other. `null`
   * weighs every pair alike, which makes mapped truth as rare as one label among the trained ones (the head wins).
   */
  readonly mappedShare?: number | null;
}

export interface FitCombinerResult extends AudioSetCombinerParams {
  /** Mean negative log-likelihood of the true label over all simulated (held-out label, clip) pairs, plus the ridge. */
  readonly loss: number;
  /** Loss of the starting point (scale 1, offset 0), for comparison. */
  readonly initialLoss: number;
  /** Trained-and-mapped labels that were held out in turn. */
  readonly heldOutLabels: readonly string[];
  readonly pairs: number;
  /** On clips of a held-out label: how often it wins the combined distribution (top-1) after the fit. */
  readonly heldOutTop1: number;
}

const DEFAULT_RIDGE = 1e-3;

interface Pair {
  /** Weight in the mean (see `mappedShare`). */
  weight: number;
  /** logit(evidence) of the competing mapped labels; index 0, always present, is the held-out label. */
  readonly s: Float64Array;
  /** True label is the held-out (mapped) label. */
  readonly mappedTruth: boolean;
  /** Head log-probability of the true label among the other trained labels (trained truth only). */
  readonly headLogProb: number;
  /** The largest head log-probability among the other trained labels (held-out truth only: the rival to beat). */
  readonly headBest: number;
}

/**
 * Fits the combiner's `mappedScale` and `mappedOffset` without data for mapped-only labels, by simulation: each
 * label that is both trained and mapped is held out in turn — removed from the head (its softmax renormalised over
 * the other trained labels) and scored from its AudioSet evidence instead, beside every mapped-only label — and the
 * two numbers maximise the likelihood of the true labels of the clips. The negative log-likelihood is convex in
 * them (a log-sum-exp of affine functions), so Newton's method finds the one optimum.
 *
 * An approximation, stated: a head trained without the label would not be the renormalised head, and mapped-only
 * labels are assumed as frequent as a held-out trained one. Use clips the head did not train on.
 */
export function fitAudioSetCombiner(examples: readonly CombinerExample[], options: FitCombinerOptions): FitCombinerResult {
  const { trainedLabels, mappedLabels } = options;
  const heldOutLabels = trainedLabels.filter((l) => audioSetMapEntry(l)?.kind === 'mapped');
  if (heldOutLabels.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'No trained label has AudioSet evidence to calibrate against', {
      field: 'trainedLabels',
      expected: 'at least one label that is both trained and mapped in AUDIOSET_LABEL_MAP',
      received: describeValue(trainedLabels),
    });
  }
  const pairs = weighPairs(buildPairs(examples, trainedLabels, mappedLabels, heldOutLabels), checkShare(options.mappedShare));
  const ridge = options.ridge ?? DEFAULT_RIDGE;
  let theta: [number, number] = [1, 0];
  let current = meanLoss(pairs, theta, ridge);
  const initialLoss = current.loss;
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const [ga, gb] = current.gradient;
    const [[haa, hab], [, hbb]] = current.hessian;
    // Newton direction; the ridge keeps the Hessian positive definite.
    const det = haa * hbb - hab * hab;
    const step: [number, number] = [-(hbb * ga - hab * gb) / det, -(-hab * ga + haa * gb) / det];
    let t = 1;
    let next = theta;
    let candidate = current;
    for (; t > 1e-6; t /= 2) {
      next = [Math.max(1e-3, theta[0] + t * step[0]), theta[1] + t * step[1]];
      candidate = meanLoss(pairs, next, ridge);
      if (candidate.loss <= current.loss) break;
    }
    if (t <= 1e-6) break;
    const improvement = current.loss - candidate.loss;
    theta = next;
    current = candidate;
    if (improvement < 1e-10) break;
  }
  return {
    mappedScale: theta[0],
    mappedOffset: theta[1],
    loss: current.loss,
    initialLoss,
    heldOutLabels,
    pairs: pairs.length,
    heldOutTop1: heldOutTop1(pairs, theta),
  };
}

/** The fit's objective at given parameters (mean negative log-likelihood of the simulated splits). */
export function audioSetCombinerLoss(
  examples: readonly CombinerExample[],
  options: FitCombinerOptions,
  params: AudioSetCombinerParams,
): number {
  const heldOutLabels = options.trainedLabels.filter((l) => audioSetMapEntry(l)?.kind === 'mapped');
  const pairs = weighPairs(buildPairs(examples, options.trainedLabels, options.mappedLabels, heldOutLabels), checkShare(options.mappedShare));
  return meanLoss(pairs, [params.mappedScale, params.mappedOffset], options.ridge ?? DEFAULT_RIDGE).loss;
}

function buildPairs(
  examples: readonly CombinerExample[],
  trainedLabels: readonly string[],
  mappedLabels: readonly string[],
  heldOutLabels: readonly string[],
): Pair[] {
  const t = trainedLabels.length;
  const overlap = mappedLabels.find((l) => trainedLabels.includes(l));
  if (overlap !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', `Label ${overlap} is both trained and listed as mapped-only`, {
      field: 'mappedLabels',
      expected: 'labels outside trainedLabels',
      received: overlap,
    });
  }
  const pairs: Pair[] = [];
  examples.forEach((example, i) => {
    const truth = trainedLabels.indexOf(example.label);
    if (truth < 0) {
      throw new NoiseClassifierError('E_CONFIG', `Calibration clip ${i} has a label the head was not trained on`, {
        field: `examples[${i}].label`,
        expected: `one of ${trainedLabels.join(', ')}`,
        received: describeValue(example.label),
      });
    }
    if (example.headLogits.length !== t || example.audioSetLogits.length !== NUM_AUDIOSET_CLASSES) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `Calibration clip ${i} has outputs of the wrong size`, {
        field: `examples[${i}]`,
        expected: `${t} head logits and ${NUM_AUDIOSET_CLASSES} AudioSet logits`,
        received: `${example.headLogits.length} and ${example.audioSetLogits.length}`,
      });
    }
    // evidence has one value per held-out then mapped label; headLogits has t values (checked above), truth < t.
    const evidence = audioSetEvidence(example.audioSetLogits, 1, [...heldOutLabels, ...mappedLabels]);
    const others = Array.from(evidence.subarray(heldOutLabels.length), logOdds);
    heldOutLabels.forEach((held, h) => {
      const heldIndex = trainedLabels.indexOf(held);
      const s = Float64Array.from([logOdds(evidence[h]!), ...others]);
      const mappedTruth = example.label === held;
      // log-softmax over the trained labels without the held-out one: the true label's, and the best one's.
      let max = -Infinity;
      for (let c = 0; c < t; c++) if (c !== heldIndex) max = Math.max(max, example.headLogits[c]!);
      let sum = 0;
      for (let c = 0; c < t; c++) if (c !== heldIndex) sum += Math.exp(example.headLogits[c]! - max);
      const logSum = max + Math.log(sum);
      pairs.push({
        weight: 1,
        s,
        mappedTruth,
        headLogProb: mappedTruth ? 0 : example.headLogits[truth]! - logSum,
        headBest: max - logSum,
      });
    });
  });
  return pairs;
}

/** Gives mapped-truth pairs `share` of the total weight (the rest to trained-truth pairs); null leaves weights at 1. */
function weighPairs(pairs: Pair[], share: number | null): Pair[] {
  if (share === null) return pairs;
  const mapped = pairs.filter((p) => p.mappedTruth).length;
  const trained = pairs.length - mapped;
  if (mapped === 0 || trained === 0) return pairs;
  for (const p of pairs) p.weight = p.mappedTruth ? (share * pairs.length) / mapped : ((1 - share) * pairs.length) / trained;
  return pairs;
}

function checkShare(share: number | null | undefined): number | null {
  if (share === undefined) return 0.5;
  if (share === null) return null;
  if (!(share > 0 && share < 1)) {
    throw new NoiseClassifierError('E_CONFIG', 'mappedShare must lie strictly between 0 and 1', {
      field: 'mappedShare',
      expected: 'a number in (0, 1), or null for unweighted pairs',
      received: describeValue(share),
    });
  }
  return share;
}

/**
 * Mean loss, gradient and Hessian in (scale, offset). Per pair the distribution has the head as one component of
 * mass 1 (its log-probabilities sum to 1, so its logit is 0 whatever the parameters) and each mapped label m with
 * logit z = a·s_m + b; the loss is log Z − z_truth.
 */
function meanLoss(pairs: readonly Pair[], [a, b]: [number, number], ridge: number) {
  let loss = 0;
  let ga = 0;
  let gb = 0;
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  let total = 0;
  for (const p of pairs) {
    const w = p.weight;
    total += w;
    let max = 0; // the head component's logit
    for (const s of p.s) max = Math.max(max, a * s + b);
    let z = Math.exp(-max);
    let ms = 0;
    let m1 = 0;
    let mss = 0;
    for (const s of p.s) {
      const e = Math.exp(a * s + b - max);
      z += e;
      ms += e * s;
      m1 += e;
      mss += e * s * s;
    }
    ms /= z;
    m1 /= z;
    mss /= z;
    const logZ = max + Math.log(z);
    if (p.mappedTruth) {
      loss += w * (logZ - (a * p.s[0]! + b));
      ga += w * (ms - p.s[0]!);
      gb += w * (m1 - 1);
    } else {
      loss += w * (logZ - p.headLogProb);
      ga += w * ms;
      gb += w * m1;
    }
    haa += w * (mss - ms * ms);
    hab += w * (ms - ms * m1);
    hbb += w * (m1 - m1 * m1);
  }
  const n = total;
  return {
    loss: loss / n + (ridge / 2) * ((a - 1) ** 2 + b ** 2),
    gradient: [ga / n + ridge * (a - 1), gb / n + ridge * b] as const,
    hessian: [[haa / n + ridge, hab / n], [hab / n, hbb / n + ridge]] as const,
  };
}

/** Share of held-out-label clips on which the held-out label beats the head's best label and every mapped label. */
function heldOutTop1(pairs: readonly Pair[], [a, b]: [number, number]): number {
  let wins = 0;
  let total = 0;
  for (const p of pairs) {
    if (!p.mappedTruth) continue;
    total++;
    let rival = p.headBest;
    for (let i = 1; i < p.s.length; i++) rival = Math.max(rival, a * p.s[i]! + b);
    if (a * p.s[0]! + b > rival) wins++;
  }
  return total === 0 ? 0 : wins / total;
}

function logOdds(e: number): number {
  const c = Math.min(1 - EVIDENCE_EPSILON, Math.max(EVIDENCE_EPSILON, e));
  return Math.log(c / (1 - c));
}
