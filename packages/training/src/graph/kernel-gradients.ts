import type { OnnxGraphBuilder } from '@noise-classifier/models';

/**
 * d loss / d kernel of convolutions, as ONNX subgraphs for the training graph. Each function gets the forward
 * input `x` (NCHW), the gradient of the convolution's output `gz` and the convolution's geometry, and returns the
 * name of a tensor holding the kernel gradient in tfjs layout ([kh, kw, in, out]; depthwise [kh, kw, C, 1]).
 */

export type Pair = [number, number];

/** What the formulas need from the graph being built: the builder and a cache of int64 constants. */
export interface GradientEmitter {
  readonly b: OnnxGraphBuilder;
  ints(values: readonly number[]): string;
}

export interface ConvGeometry {
  /** Layer name, the prefix of every node name. */
  readonly name: string;
  /** Forward input: ONNX name and NCHW shape (batch null). */
  readonly x: { readonly name: string; readonly shape: readonly (number | null)[] };
  /** d loss / d convolution output (before any activation), NCHW. */
  readonly gz: string;
  readonly kernel: Pair;
  readonly strides: Pair;
  /** ONNX pads [top, left, bottom, right]. */
  readonly pads: readonly number[];
  readonly outputSize: Pair;
}

/** How kernel gradients are formed; the defaults were the fastest in pipelines' train-step benchmark. */
export interface KernelGradientStrategy {
  /** 'im2col': strided windows by Slice + Concat, then one batched MatMul; 'transposed-conv': a convolution over transposed operands. */
  readonly conv: 'im2col' | 'transposed-conv';
  /** 'grouped-conv': the transposed-operand trick with one group per channel; 'taps': Slice · Mul · ReduceSum per kernel tap. */
  readonly depthwise: 'grouped-conv' | 'taps';
}

export function denseConvKernelGradient(e: GradientEmitter, g: ConvGeometry, cin: number, cout: number, strategy: KernelGradientStrategy['conv']): string {
  const { b } = e;
  const { name, x, gz, kernel: k, strides, pads, outputSize: howo } = g;
  if (k[0] === 1 && k[1] === 1 && strides[0] === 1 && strides[1] === 1 && pads.every((p) => p === 0)) {
    // 1×1: one matrix product over all pixels, [in, N·H·W] × [N·H·W, out].
    const xt = b.node('Reshape', [b.node('Transpose', [x.name], `${name}.x_cnhw`, { perm: [1, 0, 2, 3] }), e.ints([cin, -1])], `${name}.x_cols`);
    const gt = b.node('Reshape', [b.node('Transpose', [gz], `${name}.g_nhwc`, { perm: [0, 2, 3, 1] }), e.ints([-1, cout])], `${name}.g_rows`);
    return b.node('Reshape', [b.node('MatMul', [xt, gt], `${name}.kernel_grad2d`), e.ints([1, 1, cin, cout])], `${name}.kernel_grad`);
  }
  if (strategy === 'im2col') {
    // Strided windows of the padded input, one per kernel tap, stacked as [N, taps·in, P] (tap-major, so the
    // result is already [kh, kw, in, out]); one batched MatMul with the gradient [N, P, out], summed over N.
    const cols = b.node('Reshape', [b.node('Concat', tapWindows(e, g), `${name}.cols4`, { axis: 1 }), e.ints([0, k[0] * k[1] * cin, howo[0] * howo[1]])], `${name}.cols`);
    const g3 = b.node('Transpose', [b.node('Reshape', [gz, e.ints([0, cout, howo[0] * howo[1]])], `${name}.g3`)], `${name}.g3t`, { perm: [0, 2, 1] });
    const perSample = b.node('MatMul', [cols, g3], `${name}.kernel_grad_n`);
    const sum = b.node('ReduceSum', [perSample, e.ints([0])], `${name}.kernel_grad_sum`, { keepdims: 0 });
    return b.node('Reshape', [sum, e.ints([k[0], k[1], cin, cout])], `${name}.kernel_grad`);
  }
  // A convolution over transposed operands: input channels become the batch, the output gradient becomes the
  // filter, and the forward stride becomes a dilation.
  const xt = b.node('Transpose', [x.name], `${name}.x_cnhw`, { perm: [1, 0, 2, 3] });
  const gt = b.node('Transpose', [gz], `${name}.g_cnhw`, { perm: [1, 0, 2, 3] });
  const r = transposedOperandConv(e, g, xt, gt, 1);
  return b.node('Transpose', [r], `${name}.kernel_grad`, { perm: [2, 3, 0, 1] });
}

export function depthwiseKernelGradient(e: GradientEmitter, g: ConvGeometry, channels: number, strategy: KernelGradientStrategy['depthwise']): string {
  const { b } = e;
  const { name, x, gz, kernel: k } = g;
  if (strategy === 'grouped-conv') {
    // Σ_n Σ_p g[n,c,p]·x[n,c,p·s+t]: a grouped convolution (group = channel) of x as [1, C·N, H, W] with the
    // gradient as filters [C, N, Ho, Wo]; the batch is the reduced input-channel axis, so N stays dynamic.
    const [, , h, w] = x.shape as [null, number, number, number];
    const xt = b.node('Reshape', [b.node('Transpose', [x.name], `${name}.x_cnhw`, { perm: [1, 0, 2, 3] }), e.ints([1, -1, h, w])], `${name}.x_1cn`);
    const gt = b.node('Transpose', [gz], `${name}.g_cnhw`, { perm: [1, 0, 2, 3] });
    const r = transposedOperandConv(e, g, xt, gt, channels);
    return b.node('Reshape', [b.node('Transpose', [r], `${name}.kernel_grad_hwc`, { perm: [2, 3, 1, 0] }), e.ints([k[0], k[1], channels, 1])], `${name}.kernel_grad`);
  }
  // Per tap: the strided window times the gradient, summed over batch and pixels (memory-bound, k² passes).
  const sums = tapWindows(e, g).map((window, t) => {
    const prod = b.node('Mul', [window, gz], `${name}.tap${t}_prod`);
    return b.node('ReduceSum', [prod, e.ints([0, 2, 3])], `${name}.tap${t}_sum`, { keepdims: 0 });
  });
  const stacked = b.node('Concat', sums, `${name}.taps`, { axis: 0 });
  return b.node('Reshape', [stacked, e.ints([k[0], k[1], channels, 1])], `${name}.kernel_grad`);
}

/** The strided input window under each kernel tap, [N, C, Ho, Wo] each, taps in row-major order. */
function tapWindows(e: GradientEmitter, g: ConvGeometry): string[] {
  const { b } = e;
  const { name, x, kernel: k, strides, pads, outputSize: howo } = g;
  const padded = pads.some((p) => p > 0)
    ? b.node('Pad', [x.name, e.ints([0, 0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!])], `${name}.x_padded`, { mode: 'constant' })
    : x.name;
  const out: string[] = [];
  for (let i = 0; i < k[0]; i++) {
    for (let j = 0; j < k[1]; j++) {
      out.push(b.node('Slice', [
        padded,
        e.ints([i, j]),
        e.ints([i + (howo[0] - 1) * strides[0] + 1, j + (howo[1] - 1) * strides[1] + 1]),
        e.ints([2, 3]),
        e.ints(strides),
      ], `${name}.tap${i}_${j}`));
    }
  }
  return out;
}

/**
 * The convolution of the transposed input with the transposed output gradient as its filter (stride → dilation),
 * end-padded so that its output covers the kernel, then trimmed to exactly the kernel size.
 */
function transposedOperandConv(e: GradientEmitter, g: ConvGeometry, xt: string, gt: string, group: number): string {
  const { b } = e;
  const { name, x, kernel: k, strides, pads, outputSize: howo } = g;
  const hw: Pair = [x.shape[2] as number, x.shape[3] as number];
  const reach = (axis: 0 | 1, endPad: number) => hw[axis] + pads[axis]! + endPad - (howo[axis] - 1) * strides[axis];
  // The forward end pad is only needed where, without it, the result would be smaller than the kernel.
  const endPad = (axis: 0 | 1) => Math.max(0, pads[axis + 2]! - Math.max(0, reach(axis, pads[axis + 2]!) - k[axis]));
  const endPads: Pair = [endPad(0), endPad(1)];
  const r = b.node('Conv', [xt, gt], `${name}.kernel_grad_raw`, {
    kernel_shape: howo, dilations: strides, strides: [1, 1], pads: [pads[0]!, pads[1]!, endPads[0], endPads[1]], group,
  });
  if (reach(0, endPads[0]) === k[0] && reach(1, endPads[1]) === k[1]) return r;
  return b.node('Slice', [r, e.ints([0, 0]), e.ints(k), e.ints([2, 3])], `${name}.kernel_grad_trim`);
}
