/**
 * Backward kernels the tfjs `wasm` backend lacks, built from forward kernels it has (XNNPACK convolutions).
 *
 * - Conv2DBackpropFilter: dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co].
 *   That is a stride-1 convolution of x with channels and batch swapped ([Cin,H,W,N]) by dy used as a filter
 *   ([OH,OW,N,Cout]) dilated by the forward stride.
 * - DepthwiseConv2dNativeBackpropFilter: the same idea per channel, with the batch folded into the channel axis
 *   ([1,H,W,N·C] by [OH,OW,N·C,1]) and summed over N afterwards.
 * - DepthwiseConv2dNativeBackpropInput: a depthwise convolution of the zero-dilated, padded dy with the
 *   spatially flipped filter.
 * The batch-norm gradient is also replaced: tfjs tiles 1/σ to the full activation shape before multiplying,
 * which is a large share of an EfficientNet step; broadcasting does the same arithmetic without the copy.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;
type Tensor4D = tfType.Tensor4D;
type Pad = 'valid' | 'same' | number | readonly (readonly [number, number])[];

interface PadInfo {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function pair(v: number | readonly number[]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];
}

/** Explicit padding for a 'same' / 'valid' / numeric / explicit pad, as tfjs computes it. */
function padInfoOf(tf: Tf, xShape: readonly number[], filterShape: readonly number[], strides: [number, number],
  dilations: [number, number], pad: Pad, dimRoundingMode: unknown, depthwise: boolean): { pad: PadInfo; outH: number; outW: number } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides, dilations, pad as 'same', dimRoundingMode as 'floor' | undefined, depthwise,
  );
  const p = info.padInfo;
  return { pad: { top: p.top, bottom: p.bottom, left: p.left, right: p.right }, outH: info.outHeight, outW: info.outWidth };
}

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
function padOrCrop(tf: Tf, x: Tensor4D, top: number, bottom: number, left: number, right: number): Tensor4D {
  let y = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    y = tf.pad(y, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = y.shape;
    const t = Math.max(-top, 0);
    const l = Math.max(-left, 0);
    y = tf.slice(y, [0, t, l, 0], [n, h - t - Math.max(-bottom, 0), w - l - Math.max(-right, 0), c]);
  }
  return y as Tensor4D;
}

/** Inserts (s−1) zeros between rows/columns: [N,H,W,C] → [N,(H−1)·sh+1,(W−1)·sw+1,C]. */
function dilateZeros(tf: Tf, x: Tensor4D, sh: number, sw: number): Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const full = tf.reshape(spread, [n, h * sh, w * sw, c]);
  return tf.slice(full as Tensor4D, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

export function conv2dBackpropFilter(tf: Tf, x: Tensor4D, dy: Tensor4D, filterShape: readonly number[],
  strides: [number, number], pad: Pad, dimRoundingMode?: unknown): tfType.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = filterShape as [number, number, number, number];
    const { pad: p } = padInfoOf(tf, x.shape, filterShape, strides, [1, 1], pad, dimRoundingMode, false);
    const [, oh, ow] = dy.shape;
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [Cin,H,W,N]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [OH,OW,N,Cout]
    // Output of the valid conv on the padded input is ≥ K; the extra rows (when strides do not divide) are cropped.
    const bottom = kh - 1 + (oh - 1) * strides[0] - (x.shape[1] + p.top - 1) ;
    const right = kw - 1 + (ow - 1) * strides[1] - (x.shape[2] + p.left - 1);
    const xp = padOrCrop(tf, xt, p.top, Math.min(bottom, p.bottom), p.left, Math.min(right, p.right));
    const g = tf.conv2d(xp, dyt, 1, 'valid', 'NHWC', strides); // [Cin,KH',KW',Cout]
    const gk = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [cin, kh, kw, cout]);
    return tf.transpose(gk, [1, 2, 0, 3]);
  });
}

/** dx of a convolution: the zero-dilated, padded dy convolved (stride 1) with the flipped, in/out-swapped filter. */
export function conv2dBackpropInput(tf: Tf, dy: Tensor4D, filter: Tensor4D, inputShape: readonly number[],
  strides: [number, number], pad: Pad, dimRoundingMode?: unknown): tfType.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [, h, w] = inputShape as [number, number, number, number];
    const { pad: p } = padInfoOf(tf, inputShape, filter.shape, strides, [1, 1], pad, dimRoundingMode, false);
    const d = dilateZeros(tf, dy, strides[0], strides[1]);
    const top = kh - 1 - p.top;
    const left = kw - 1 - p.left;
    const dp = padOrCrop(tf, d, top, h + kh - 1 - d.shape[1] - top, left, w + kw - 1 - d.shape[2] - left);
    // wasm's Reverse is a slow scalar loop; a 1×1 filter (most of EfficientNet's) needs no flip.
    const flipped = kh === 1 && kw === 1 ? filter : tf.reverse(filter, [0, 1]);
    const wt = tf.transpose(flipped, [0, 1, 3, 2]) as Tensor4D;
    return tf.conv2d(dp, wt, 1, 'valid');
  });
}

export function depthwiseBackpropFilter(tf: Tf, x: Tensor4D, dy: Tensor4D, filterShape: readonly number[],
  strides: [number, number], dilations: [number, number], pad: Pad, dimRoundingMode?: unknown): tfType.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape as [number, number, number, number];
    const { pad: p } = padInfoOf(tf, x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
    const [n, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    // x: [N,H,W,C] → [1,H,W,N·C·M] (each input channel repeated for its multiplier outputs)
    let xr: Tensor4D = tf.transpose(x, [1, 2, 0, 3]).reshape([1, h, w, n * c]) as Tensor4D;
    if (m > 1) {
      xr = tf.tile(tf.reshape(xr, [1, h, w, n * c, 1]), [1, 1, 1, 1, m]).reshape([1, h, w, n * c * m]) as Tensor4D;
    }
    const dyr = tf.transpose(dy, [1, 2, 0, 3]).reshape([oh, ow, n * c * m, 1]) as Tensor4D;
    const spanH = (kh - 1) * dilations[0];
    const spanW = (kw - 1) * dilations[1];
    const bottom = spanH + (oh - 1) * strides[0] - (h + p.top - 1);
    const right = spanW + (ow - 1) * strides[1] - (w + p.left - 1);
    const xp = padOrCrop(tf, xr, p.top, Math.min(bottom, p.bottom), p.left, Math.min(right, p.right));
    // tfjs itself refuses gradients of dilated depthwise convolutions, so dilation is always 1 here.
    const g = tf.depthwiseConv2d(xp, dyr, 1, 'valid', 'NHWC', strides); // [1,KH',KW',N·C·M]
    const gk = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [1, kh, kw, n * c * m]);
    return tf.sum(tf.reshape(gk, [kh, kw, n, c, m]), 2) as Tensor4D;
  });
}

export function depthwiseBackpropInput(tf: Tf, dy: Tensor4D, filter: Tensor4D, inputShape: readonly number[],
  strides: [number, number], dilations: [number, number], pad: Pad, dimRoundingMode?: unknown): tfType.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const [n, h, w] = inputShape as [number, number, number, number];
    const { pad: p } = padInfoOf(tf, inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
    const spanH = (kh - 1) * dilations[0];
    const spanW = (kw - 1) * dilations[1];
    const d = dilateZeros(tf, dy, strides[0], strides[1]);
    const top = spanH - p.top;
    const left = spanW - p.left;
    const dp = padOrCrop(tf, d, top, h + spanH - d.shape[1] - top, left, w + spanW - d.shape[2] - left);
    const flipped = tf.reverse(filter, [0, 1]);
    if (m === 1) {
      return tf.depthwiseConv2d(dp, flipped as Tensor4D, 1, 'valid', 'NHWC', dilations);
    }
    // Channel multiplier > 1: dy has C·M channels; contract each group of M with a per-(c,m) filter.
    const dpr = dp.reshape([n, dp.shape[1], dp.shape[2], c * m]) as Tensor4D;
    const out = tf.depthwiseConv2d(dpr, flipped.reshape([kh, kw, c * m, 1]) as Tensor4D, 1, 'valid', 'NHWC', dilations);
    return tf.sum(out.reshape([n, h, w, c, m]), 4) as Tensor4D;
  });
}

let registered = false;

/** Registers the missing gradient kernels for `wasm` and the broadcasting batch-norm gradient. Idempotent. */
export function registerWasmTrainingKernels(tf: Tf): void {
  if (registered) return;
  registered = true;
  const kernels: [string, (args: { inputs: Record<string, tfType.Tensor>; attrs: Record<string, unknown> }) => tfType.Tensor][] = [
    ['Conv2DBackpropFilter', ({ inputs, attrs }) =>
      conv2dBackpropFilter(tf, inputs.x as Tensor4D, inputs.dy as Tensor4D, attrs.filterShape as number[],
        pair(attrs.strides as number[]), attrs.pad as Pad, attrs.dimRoundingMode)],
    ['Conv2DBackpropInput', ({ inputs, attrs }) =>
      conv2dBackpropInput(tf, inputs.dy as Tensor4D, inputs.filter as Tensor4D, attrs.inputShape as number[],
        pair(attrs.strides as number[]), attrs.pad as Pad, attrs.dimRoundingMode)],
    ['DepthwiseConv2dNativeBackpropFilter', ({ inputs, attrs }) =>
      depthwiseBackpropFilter(tf, inputs.x as Tensor4D, inputs.dy as Tensor4D, attrs.filterShape as number[],
        pair(attrs.strides as number[]), pair((attrs.dilations as number[] | undefined) ?? 1), attrs.pad as Pad, attrs.dimRoundingMode)],
    ['DepthwiseConv2dNativeBackpropInput', ({ inputs, attrs }) =>
      depthwiseBackpropInput(tf, inputs.dy as Tensor4D, inputs.filter as Tensor4D, attrs.inputShape as number[],
        pair(attrs.strides as number[]), pair((attrs.dilations as number[] | undefined) ?? 1), attrs.pad as Pad, attrs.dimRoundingMode)],
  ];
  for (const [kernelName, fn] of kernels) {
    // wasm's own Conv2DBackpropInput is a naive loop, ~6× slower than an XNNPACK convolution: replace it too.
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    // A kernel may return a Tensor: the engine keeps it as the output; the tidy inside frees intermediates.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: fn as unknown as tfType.KernelFunc });
  }
  registerLeadingAxisReductions(tf);
  registerBroadcastBatchNormGrad(tf);
  registerPoolingGrad(tf);
}

/**
 * wasm's MaxPoolGrad is a scalar loop. For the common non-overlapping pool (window = stride, no padding, sizes
 * divisible) the gradient is dy routed to the arg-max of each window: (x == max) · dy with both broadcast over
 * the window, which the vectorised elementwise kernels do faster. Other pools use the original kernel.
 */
function registerPoolingGrad(tf: Tf): void {
  const original = tf.getKernel('MaxPoolGrad', 'wasm');
  if (original === undefined) return;
  const fallback = original.kernelFunc;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }),
    kernelFunc: (args) => {
      const { dy, input, output } = args.inputs as Record<string, tfType.Tensor4D>;
      const { filterSize, strides, pad } = args.attrs as unknown as { filterSize: number | number[]; strides: number | number[]; pad: Pad };
      const [fh, fw] = pair(filterSize);
      const [sh, sw] = pair(strides);
      const [n, h, w, c] = input!.shape;
      const simple = fh === sh && fw === sw && h % fh === 0 && w % fw === 0 && (pad === 'valid' || pad === 'same' || pad === 0);
      if (!simple) return fallback(args);
      return tf.tidy(() => {
        const x6 = tf.reshape(input!, [n, h / fh, fh, w / fw, fw, c]);
        const y6 = tf.reshape(output!, [n, h / fh, 1, w / fw, 1, c]);
        const g6 = tf.reshape(dy!, [n, h / fh, 1, w / fw, 1, c]);
        // mask = 1 at the window's maximum (y − x = 0), else 0. Sub/Step/Mul broadcast fast; Equal does not.
        // Ties (equal maxima in one window) would share the gradient; with float activations they are rare.
        const mask = tf.sub(1, tf.step(tf.sub(y6, x6)));
        return tf.reshape(tf.mul(mask, g6), [n, h, w, c]);
      }) as unknown as tfType.TensorInfo;
    },
  });
}

/**
 * wasm's Sum/Mean over leading axes (batch-norm statistics over N,H,W of NHWC) transpose the whole tensor first.
 * The transposed [N·H·W, C] matrix times a column of ones gives the same sums through XNNPACK's matmul, without the copy.
 */
function registerLeadingAxisReductions(tf: Tf): void {
  for (const kernelName of ['Sum', 'Mean'] as const) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (original === undefined) continue;
    const fallback = original.kernelFunc;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      // The wasm kernels bind their C functions in setupFunc when the backend starts: keep it.
      ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }),
      kernelFunc: (args) => {
        const x = args.inputs.x as tfType.Tensor;
        const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
        const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
        const leading = axes.length > 0 && axes.length < x.rank && axes.every((a, i) => a === i) && x.dtype === 'float32';
        if (!leading) return fallback(args);
        return tf.tidy(() => {
          const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
          const rest = x.shape.slice(axes.length);
          const cols = rest.reduce((a, b) => a * b, 1);
          // x as the transposed left operand: XNNPACK packs the right operand per call, so keep that one tiny.
          const ones = tf.fill([rows, 1], kernelName === 'Mean' ? 1 / rows : 1);
          const r = tf.matMul(tf.reshape(x, [rows, cols]), ones, true, false);
          return tf.reshape(r, keepDims ? [...axes.map(() => 1), ...rest] : rest);
        }) as unknown as tfType.TensorInfo;
      },
    });
  }
}

function registerBroadcastBatchNormGrad(tf: Tf): void {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [tfType.Tensor, tfType.Tensor, tfType.Tensor, tfType.Tensor | null];
      const g = dy as tfType.Tensor;
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tfType.Tensor): tfType.Tensor => (axes.length > 0 ? tf.sum(t, axes) : t).reshape(mean.shape);
      const invStd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      // Two reductions serve all five gradients (the stock gradient does four and tiles 1/σ to full size).
      // They are computed here, outside the per-input closures, so both closures share them; the engine's
      // gradient tidy frees them after the backward pass.
      const sumG = reduce(g);
      const sumGc = reduce(tf.mul(g, tf.sub(x, mean)));
      const s = scale == null ? tf.scalar(1) : scale;
      return {
        x: () => tf.mul(g, tf.mul(invStd, s)).reshape(x.shape),
        mean: () => tf.mul(sumG, tf.neg(tf.mul(invStd, s))),
        variance: () => tf.mul(sumGc, tf.mul(tf.pow(invStd, 3), tf.mul(s, -0.5))),
        scale: () => tf.mul(sumGc, invStd),
        offset: () => sumG.clone(),
      };
    },
  });
}
