import { NoiseClassifierError, type AudioFeatureConfig, type AudioFeatureConfigInput } from '@noise-classifier/config';
import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../tfjs-loader';
import { checkEfficientAtFrontEnd } from './efficientat-front-end';
import { readSafetensors, type SafetensorsFile, type SafetensorsTensor } from './safetensors';

/** The mel bands EfficientAT's AudioSet weights were trained on (the model's input height). */
export const EFFICIENTAT_MEL_BANDS = 128;

export interface LoadEfficientAtWeightsOptions {
  /** Where the weights came from (path or URL); every error names it. */
  readonly source?: string;
  /**
   * Keep the model's last linear layer (`logits`, PyTorch `classifier.5`) as built — a new head for other labels —
   * instead of loading AudioSet's 527-class layer. Default false: every tensor must load.
   */
  readonly newHead?: boolean;
  /** The feature config the model will be fed with; when given it must be the weights' front end (checkEfficientAtFrontEnd). */
  readonly featureConfig?: AudioFeatureConfig | AudioFeatureConfigInput;
}

type Mismatch = (message: string, field: string, expected: string, received: string) => never;

/** Which PyTorch parameter fills a tfjs weight, and how its layout changes. */
interface WeightTarget {
  readonly variable: Tf.LayerVariable;
  readonly tensor: string;
  readonly layout: 'conv' | 'depthwise' | 'pointwise-linear' | 'linear' | 'vector';
}

/**
 * Copies EfficientAT PyTorch weights (a `readSafetensors` result of the published state_dict) into a model built by
 * `buildEfficientAtMn` with the same width. Every model weight needs its tensor with the matching shape, and every
 * tensor of the file must be used (except the AudioSet classifier with `newHead`): a missing, extra or mis-shaped
 * tensor, or a model whose input is not 1 channel × 128 mel bands, is E_MODEL_MISMATCH naming the file and the
 * tensor; so is a `featureConfig` other than the weights' front end. Nothing is written unless everything matches.
 * Layouts: conv [out, in, kh, kw] → [kh, kw, in, out]; depthwise [C, 1, kh, kw] → [kh, kw, C, 1]; the SE's linear
 * layers [out, in] → 1×1 conv [1, 1, in, out]; linear [out, in] → dense [in, out]; batch norm weight, bias,
 * running_mean, running_var → gamma, beta, moving_mean, moving_variance.
 */
export function loadEfficientAtWeights(
  tf: TfModule,
  model: Tf.LayersModel,
  file: SafetensorsFile,
  options: LoadEfficientAtWeightsOptions = {},
): void {
  const source = options.source ?? 'the EfficientAT weights';
  const mismatch: Mismatch = (message, field, expected, received) => {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${source}: ${message}`, { field, expected, received });
  };
  checkInput(model, source);
  if (options.featureConfig !== undefined) checkEfficientAtFrontEnd(options.featureConfig, { source });
  const targets = weightTargets(model, mismatch);
  const skipped = options.newHead === true ? new Set(['classifier.5.weight', 'classifier.5.bias']) : new Set<string>();
  const values: Tf.Tensor[] = [];
  try {
    const used = new Set<string>();
    for (const target of targets) {
      if (skipped.has(target.tensor)) continue;
      const tensor = file.tensors.get(target.tensor);
      if (tensor === undefined) {
        mismatch(`tensor ${target.tensor} (for layer weight ${target.variable.originalName}) is missing: not an EfficientAT MobileNet of this width?`,
          target.tensor, `a tensor of shape ${JSON.stringify(torchShape(target))}`, 'nothing');
      }
      used.add(target.tensor);
      values.push(tf.tensor(toTfjsLayout(tensor, target, mismatch), target.variable.shape as number[]));
    }
    const unused = [...file.tensors.keys()].filter((name) => !used.has(name) && !skipped.has(name));
    const [firstUnused] = unused;
    if (firstUnused !== undefined) {
      mismatch(`tensor ${firstUnused} has no place in this model${unused.length > 1 ? ` (nor ${unused.length - 1} more)` : ''}: a different architecture or width?`,
        firstUnused, 'only the tensors of the model built with the same width', `${unused.length} unused tensors`);
    }
    targets.filter((t) => !skipped.has(t.tensor)).forEach((t, i) => t.variable.write(values[i]!));
  } finally {
    tf.dispose(values);
  }
}

/**
 * Reads and parses a weights file through the platform's reader (`PlatformRuntime.readFile`, or any
 * `(location) => bytes`). A reader failure that is not already a NoiseClassifierError is E_MODEL_NOT_FOUND naming
 * the location; bad bytes are E_MODEL_FORMAT (see `readSafetensors`).
 */
export async function readEfficientAtWeights(location: string, readFile: (location: string) => Promise<Uint8Array>): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(location);
  } catch (cause) {
    if (cause instanceof NoiseClassifierError) throw cause;
    throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `Could not read EfficientAT weights from ${location}: ${(cause as Error)?.message ?? String(cause)}`, {
      field: 'path', expected: 'a readable .safetensors file', received: JSON.stringify(location), cause,
    });
  }
  return readSafetensors(bytes, { source: location });
}

function checkInput(model: Tf.LayersModel, source: string): void {
  const shape = model.inputs[0]?.shape ?? [];
  const [, height, , channels] = shape;
  if (shape.length !== 4 || channels !== 1 || height !== EFFICIENTAT_MEL_BANDS) {
    throw new NoiseClassifierError('E_MODEL_MISMATCH', `${source}: the weights expect 1-channel log-mel input with ${EFFICIENTAT_MEL_BANDS} mel bands (the EfficientAT front end); this model's input does not match`, {
      field: 'model.inputs[0].shape',
      expected: `[batch, ${EFFICIENTAT_MEL_BANDS}, frames, 1]`,
      received: JSON.stringify(shape),
    });
  }
}

const BN_PARAMS: Readonly<Record<string, string>> = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' };

/** Maps every weight of the model to its state_dict tensor, from our layer names (see buildEfficientAtMn). */
function weightTargets(model: Tf.LayersModel, mismatch: Mismatch): WeightTarget[] {
  const names = new Set(model.layers.map((l) => l.name));
  const blockCount = model.layers.reduce((n, l) => Math.max(n, Number(/^block(\d+)_/.exec(l.name)?.[1] ?? 0)), 0);
  // Positions inside `features.i.block`: expansion (when present), depthwise, SE (when present), projection.
  const blockModules = (i: number) => {
    const expand = names.has(`block${i}_expand_conv`);
    const se = names.has(`block${i}_se_reduce`);
    const dw = expand ? 1 : 0;
    return { expand: 0, dw, se: dw + 1, project: dw + 1 + (se ? 1 : 0) };
  };
  const prefixOf = (layer: string): string | undefined => {
    if (layer === 'stem_conv') return 'features.0.0';
    if (layer === 'stem_bn') return 'features.0.1';
    if (layer === 'head_conv') return `features.${blockCount + 1}.0`;
    if (layer === 'head_bn') return `features.${blockCount + 1}.1`;
    if (layer === 'classifier_hidden') return 'classifier.2';
    if (layer === 'logits') return 'classifier.5';
    const m = /^block(\d+)_(expand|dw|project)_(conv|bn)$/.exec(layer);
    if (m) return `features.${m[1]}.block.${blockModules(Number(m[1]))[m[2] as 'expand' | 'dw' | 'project']}.${m[3] === 'conv' ? 0 : 1}`;
    const se = /^block(\d+)_se_(reduce|expand)$/.exec(layer);
    if (se) return `features.${se[1]}.block.${blockModules(Number(se[1])).se}.conc_se_layers.0.${se[2] === 'reduce' ? 'fc1' : 'fc2'}`;
    return undefined;
  };
  const targets: WeightTarget[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const prefix = prefixOf(layer.name);
    if (prefix === undefined) {
      mismatch(`layer ${layer.name} has weights but no EfficientAT counterpart: build the model with buildEfficientAtMn`, `layers.${layer.name}`, 'a model from buildEfficientAtMn', layer.getClassName());
    }
    const className = layer.getClassName();
    for (const variable of layer.weights) {
      const param = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
      let tensor: string;
      let layout: WeightTarget['layout'];
      if (className === 'BatchNormalization') {
        tensor = `${prefix}.${BN_PARAMS[param] ?? param}`;
        layout = 'vector';
      } else {
        tensor = `${prefix}.${param === 'bias' ? 'bias' : 'weight'}`;
        layout = param === 'bias' ? 'vector'
          : className === 'DepthwiseConv2D' ? 'depthwise'
            : className === 'Dense' ? 'linear'
              : /_se_(reduce|expand)$/.test(layer.name) ? 'pointwise-linear' : 'conv';
      }
      targets.push({ variable, tensor, layout });
    }
  }
  return targets;
}

/** The PyTorch shape a tfjs weight needs. */
function torchShape({ variable, layout }: WeightTarget): number[] {
  const s = variable.shape as number[];
  switch (layout) {
    case 'conv': return [s[3]!, s[2]!, s[0]!, s[1]!];
    case 'depthwise': return [s[2]! * s[3]!, 1, s[0]!, s[1]!];
    case 'pointwise-linear': return [s[3]!, s[2]!];
    case 'linear': return [s[1]!, s[0]!];
    case 'vector': return [...s];
  }
}

function toTfjsLayout(tensor: SafetensorsTensor, target: WeightTarget, mismatch: Mismatch): Float32Array {
  const expected = torchShape(target);
  if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
    mismatch(`tensor ${target.tensor} has shape ${JSON.stringify(tensor.shape)} but layer weight ${target.variable.originalName} needs ${JSON.stringify(expected)}: a different width or number of classes?`,
      target.tensor, JSON.stringify(expected), JSON.stringify(tensor.shape));
  }
  const src = tensor.data;
  const shape = target.variable.shape as number[];
  switch (target.layout) {
    case 'vector':
      return src;
    case 'conv':
    case 'depthwise': {
      // Both are [O, I, kh, kw] → [kh, kw, I, O] with (O, I) = (out, in) for convs and (C, 1) → (C, 1) for depthwise.
      const [kh, kw, a, b] = shape as [number, number, number, number];
      const [o, i] = target.layout === 'conv' ? [b, a] : [a, b];
      const out = new Float32Array(src.length);
      for (let oo = 0; oo < o; oo++) {
        for (let ii = 0; ii < i; ii++) {
          for (let y = 0; y < kh; y++) {
            for (let x = 0; x < kw; x++) {
              const v = src[((oo * i + ii) * kh + y) * kw + x]!;
              out[target.layout === 'conv' ? ((y * kw + x) * a + ii) * b + oo : ((y * kw + x) * a + oo) * b + ii] = v;
            }
          }
        }
      }
      return out;
    }
    case 'pointwise-linear':
    case 'linear': {
      // [out, in] → [in, out] (a 1×1 kernel [1, 1, in, out] has the same memory order).
      const [outN, inN] = expected as [number, number];
      const out = new Float32Array(src.length);
      for (let o = 0; o < outN; o++) for (let i = 0; i < inN; i++) out[i * outN + o] = src[o * inN + i]!;
      return out;
    }
  }
}
