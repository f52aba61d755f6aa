import type { SparseMelFilterbank } from '../mel-filterbank';
import { melKernelBytes } from './mel-kernel-module';

/** A real FFT whose float32 input and ordered output (PFFFT layout: X0.re, X(N/2).re, X1.re, X1.im, …) we can reach. */
export interface OrderedFloat32Transform {
  /** Input and output views, valid until the transform's memory grows: fetch once per call. */
  readonly input: Float32Array;
  readonly output: Float32Array;
  /** Transforms `input` into `output`. */
  run(): void;
}

interface KernelExports {
  window(signal: number, window: number, frame: number, bytes: number): void;
  finiteSum(values: number, count: number): number;
  preEmphasis(signal: number, count: number, coefficient: number): void;
  powerMel(spectrum: number, power: number, half: number, table: number, weights: number, out: number, nMels: number, stride: number, peak: number): void;
  logAffine(values: number, count: number, add: number, floor: number, scale: number, shift: number, clampAt: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where the engine lacks WebAssembly SIMD (then the JavaScript loops run). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = melKernelBytes();
    // 1.1 KB: synchronous compilation is allowed everywhere, including a browser's main thread.
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

const PAGE = 65_536;
const align16 = (bytes: number) => (bytes + 15) & ~15;

export interface MelKernelLayout {
  readonly nFft: number;
  readonly hopLength: number;
  /** torch's float32 window values (zero-padded to nFft). */
  readonly window: Float32Array;
  /** Non-zero span of the window. */
  readonly windowFirst: number;
  readonly windowEnd: number;
  readonly filterbank: SparseMelFilterbank;
}

/**
 * Windowing, power, mel and log in WebAssembly SIMD around a float32 FFT: per frame the kernel windows the
 * signal (in its own memory), the frame is copied into the FFT's input, transformed, its output copied back,
 * and the kernel computes power and every band's sparse dot product straight into the [nMels × frames]
 * result. Copies of 2 × nFft floats are memcpy; the loops they replace cost far more in JavaScript.
 */
export class SimdMelKernel {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: KernelExports;
  private readonly nFft: number;
  private readonly hop: number;
  private readonly nMels: number;
  /** Windowed span rounded out to whole v128s (the window is zero outside its span). */
  private readonly spanFirst: number;
  private readonly spanEnd: number;
  private readonly windowAt: number;
  private readonly frameAt: number;
  private readonly spectrumAt: number;
  private readonly powerAt: number;
  private readonly tableAt: number;
  private readonly weightsAt: number;
  /** One f32: the largest mel power of the last call. */
  private readonly peakAt: number;
  /** Signal and output follow the fixed part; their size depends on the call. */
  private readonly dynamicAt: number;
  private signalAt = 0;
  private outAt = 0;

  /** Returns null where WebAssembly SIMD is unavailable or nFft is not a multiple of 4. */
  static create(layout: MelKernelLayout): SimdMelKernel | null {
    const module = kernelModule();
    if (module === null || layout.nFft % 8 !== 0) return null;
    return new SimdMelKernel(module, layout);
  }

  private constructor(module: WebAssembly.Module, layout: MelKernelLayout) {
    const { nFft, filterbank } = layout;
    this.nFft = nFft;
    this.hop = layout.hopLength;
    this.nMels = filterbank.nMels;
    this.spanFirst = layout.windowFirst & ~3;
    this.spanEnd = Math.min(nFft, (layout.windowEnd + 3) & ~3);
    const half = nFft / 2;
    const groups = Array.from(filterbank.length, (length) => Math.ceil(length / 4));
    const totalGroups = groups.reduce((sum, g) => sum + g, 0);
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at = align16(at + bytes);
      return start;
    };
    this.windowAt = take(nFft * 4);
    this.frameAt = take(nFft * 4);
    this.spectrumAt = take(nFft * 4);
    // The last band's v128 reads may run 3 bins past Nyquist: those stay zero.
    this.powerAt = take((half + 8) * 4);
    this.tableAt = take(this.nMels * 12);
    this.weightsAt = take(totalGroups * 16);
    this.peakAt = take(4);
    this.dynamicAt = at;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(at / PAGE) + 1 });
    this.kernel = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;

    const f32 = new Float32Array(this.memory.buffer);
    const i32 = new Int32Array(this.memory.buffer);
    f32.set(layout.window, this.windowAt / 4);
    let group = 0;
    for (let m = 0; m < this.nMels; m++) {
      i32[this.tableAt / 4 + 3 * m] = filterbank.start[m]!;
      i32[this.tableAt / 4 + 3 * m + 1] = groups[m]!;
      i32[this.tableAt / 4 + 3 * m + 2] = group * 16;
      const weights = filterbank.weights.subarray(filterbank.offset[m]!, filterbank.offset[m]! + filterbank.length[m]!);
      f32.set(weights, this.weightsAt / 4 + group * 4);
      group += groups[m]!;
    }
  }

  /**
   * A view of `length` floats in kernel memory for the (padded) signal of the next `melPower` call with
   * `frames` frames; write the signal into it, then call `melPower`.
   */
  signalBuffer(length: number, frames: number): Float32Array {
    this.signalAt = this.dynamicAt;
    this.outAt = align16(this.signalAt + length * 4);
    const needed = this.outAt + align16(this.nMels * frames * 4);
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    return new Float32Array(this.memory.buffer, this.signalAt, length);
  }

  /** Whether `count` floats at `offset` of the signal buffer are all finite (x·0 is 0 for finite x, NaN otherwise). */
  allFinite(signal: Float32Array, offset: number, count: number): boolean {
    const whole = count & ~3;
    let sum = this.kernel.finiteSum(signal.byteOffset + offset * 4, whole);
    for (let i = offset + whole; i < offset + count; i++) sum += signal[i]! * 0;
    return sum === 0;
  }

  /**
   * EfficientAT's pre-emphasis in place on the first `count + 1` floats written at `offset` of the signal buffer:
   * x[i] = x[i + 1] − c·x[i] for i < count (float32, like torch's conv1d).
   */
  preEmphasisInPlace(signal: Float32Array, offset: number, count: number, coefficient: number): void {
    const c = Math.fround(coefficient);
    const whole = count & ~3;
    this.kernel.preEmphasis(signal.byteOffset + offset * 4, whole, c);
    for (let i = offset + whole; i < offset + count; i++) signal[i] = Math.fround(signal[i + 1]! - Math.fround(c * signal[i]!));
  }

  /** Mel power of `frames` frames of the signal written into `signalBuffer`, left in kernel memory. */
  melPower(fft: OrderedFloat32Transform, frames: number): void {
    const { kernel, nFft, hop, spanFirst, spanEnd } = this;
    const heap = new Float32Array(this.memory.buffer);
    const frameView = heap.subarray(this.frameAt / 4 + spanFirst, this.frameAt / 4 + spanEnd);
    const spectrumView = heap.subarray(this.spectrumAt / 4, this.spectrumAt / 4 + nFft);
    heap[this.peakAt / 4] = 0;
    const { input, output } = fft;
    const spanBytes = (spanEnd - spanFirst) * 4;
    const signal = this.signalAt + spanFirst * 4;
    const window = this.windowAt + spanFirst * 4;
    const frame = this.frameAt + spanFirst * 4;
    const half = nFft / 2;
    for (let t = 0; t < frames; t++) {
      kernel.window(signal + t * hop * 4, window, frame, spanBytes);
      input.set(frameView, spanFirst);
      fft.run();
      spectrumView.set(output);
      kernel.powerMel(this.spectrumAt, this.powerAt, half, this.tableAt, this.weightsAt, this.outAt + t * 4, this.nMels, frames * 4, this.peakAt);
    }
  }

  /** Number of floats in the last result, rounded up to whole v128s (the tail is zero). */
  private paddedCount(frames: number): number {
    return align16(this.nMels * frames * 4) / 4;
  }

  /** The largest mel power of the last result (NaN if any is NaN). */
  maximum(): number {
    return new Float32Array(this.memory.buffer, this.peakAt, 1)[0]!;
  }

  /** In place over the last result: max(scale · ln(max(v + add, floor)) + shift, clampAt). `floor` must be a normal float32. */
  logAffine(frames: number, add: number, floor: number, scale: number, shift: number, clampAt: number): void {
    this.kernel.logAffine(this.outAt, this.paddedCount(frames), add, floor, scale, shift, clampAt);
  }

  /** Copies the last result ([nMels × frames], row-major) into `out`. */
  copyResult(out: Float32Array, frames: number): void {
    out.set(new Float32Array(this.memory.buffer, this.outAt, this.nMels * frames));
  }
}
