import { FunctionBody, OP, SIMD, wasmModule } from './wasm-assembler';

/*
 * The front end's WebAssembly SIMD kernel, written as instructions (see wasm-assembler.ts). Four exports, all
 * on byte addresses in the imported memory:
 *   window(signal, window, frame, bytes)      frame = window · signal, 4 lanes at a time
 *   finiteSum(values, count) → f32            Σ x·0 over `count` floats (a multiple of 4): 0 when all are finite, else NaN
 *   preEmphasis(signal, count, c)             in place x[i] = x[i + 1] − c·x[i] for i < count (a multiple of 4)
 *   powerMel(spectrum, power, half, table, weights, out, nMels, stride, peak)
 *                                             |X[k]|² from PFFFT's ordered real output, then each mel band's dot
 *                                             product over its non-zero bins (weights padded to whole v128s);
 *                                             the f32 at `peak` becomes the running maximum (NaN wins)
 *   logAffine(values, count, add, floor, scale, shift, clampAt)
 *                                             v = max(scale · ln(max(v + add, floor)) + shift, clampAt)
 * Everything is float32, like torch's own kernels.
 */

const RE_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const IM_LANES = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];
const LN2_HI = 0.693145751953125; // few mantissa bits: e · LN2_HI is exact
const LN2_LO = 1.428606820309417e-6;

function windowFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32', 'i32', 'i32'], []);
  const [signal, window, frame, bytes] = [0, 1, 2, 3];
  const i = f.local('i32');
  f.i32(0).set(i);
  f.loopWhileBelow(i, bytes, 16, (b) => {
    b.get(frame).get(i).op(OP.i32Add);
    b.get(signal).get(i).op(OP.i32Add).v128Load();
    b.get(window).get(i).op(OP.i32Add).v128Load();
    b.simd(SIMD.f32x4Mul).v128Store();
  });
  return f;
}

function finiteSumFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32'], ['f32']);
  const [values, count] = [0, 1];
  const i = f.local('i32');
  const end = f.local('i32');
  const acc = f.local('v128');
  const zero = f.local('v128');
  f.f32x4(0).tee(acc).set(zero);
  f.get(values).set(i);
  f.get(values).get(count).i32(2).op(OP.i32Shl).op(OP.i32Add).set(end);
  f.loopWhileBelow(i, end, 16, (b) => {
    b.get(acc).get(i).v128Load().get(zero).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc);
  });
  f.get(acc).simd(SIMD.f32x4ExtractLane, 0).get(acc).simd(SIMD.f32x4ExtractLane, 1).op(OP.f32Add);
  f.get(acc).simd(SIMD.f32x4ExtractLane, 2).get(acc).simd(SIMD.f32x4ExtractLane, 3).op(OP.f32Add);
  f.op(OP.f32Add);
  return f;
}

function preEmphasisFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32', 'f32'], []);
  const [signal, count, coefficient] = [0, 1, 2];
  const i = f.local('i32');
  const end = f.local('i32');
  const c = f.local('v128');
  f.get(coefficient).simd(SIMD.f32x4Splat).set(c);
  f.get(signal).set(i);
  f.get(signal).get(count).i32(2).op(OP.i32Shl).op(OP.i32Add).set(end);
  // In place, ascending: x[i + 1 … i + 4] is read before step i + 4 overwrites any of it.
  f.loopWhileBelow(i, end, 16, (b) => {
    b.get(i);
    b.get(i).v128Load(4).get(c).get(i).v128Load().simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub);
    b.v128Store();
  });
  return f;
}

function powerMelFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [spectrum, power, half, table, weights, out, nMels, stride, peak] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const k = f.local('i32');
  const end = f.local('i32');
  const m = f.local('i32');
  const p = f.local('i32');
  const w = f.local('i32');
  const groups = f.local('i32');
  const row = f.local('i32');
  const dst = f.local('i32');
  const a = f.local('v128');
  const b = f.local('v128');
  const t = f.local('v128');
  const acc = f.local('v128');
  const sum = f.local('f32');
  const max = f.local('f32');

  // Power: 4 bins per step from (re, im) pairs; bin 0's lane mixes X0.re with X(N/2).re and is fixed below.
  f.i32(0).set(k);
  f.get(half).i32(3).op(OP.i32Shl).set(end);
  f.loopWhileBelow(k, end, 32, (x) => {
    x.get(spectrum).get(k).op(OP.i32Add).v128Load().set(a);
    x.get(spectrum).get(k).op(OP.i32Add).v128Load(16).set(b);
    x.get(power).get(k).i32(1).op(OP.i32ShrU).op(OP.i32Add);
    x.get(a).get(b).simd(SIMD.shuffle, ...RE_LANES).tee(t).get(t).simd(SIMD.f32x4Mul);
    x.get(a).get(b).simd(SIMD.shuffle, ...IM_LANES).tee(t).get(t).simd(SIMD.f32x4Mul);
    x.simd(SIMD.f32x4Add).v128Store();
  });
  f.get(power).get(spectrum).mem(OP.f32Load, 2).get(spectrum).mem(OP.f32Load, 2).op(OP.f32Mul).mem(OP.f32Store, 2);
  f.get(power).get(half).i32(2).op(OP.i32Shl).op(OP.i32Add);
  f.get(spectrum).mem(OP.f32Load, 2, 4).get(spectrum).mem(OP.f32Load, 2, 4).op(OP.f32Mul).mem(OP.f32Store, 2);

  // Mel: band m reads table[m] = (first bin, v128 groups, weight byte offset).
  f.get(peak).mem(OP.f32Load, 2).set(max);
  f.i32(0).set(m);
  f.get(table).set(row);
  f.get(out).set(dst);
  f.loopWhileBelow(m, nMels, 1, (x) => {
    x.get(power).get(row).mem(OP.i32Load, 2).i32(2).op(OP.i32Shl).op(OP.i32Add).set(p);
    x.get(row).mem(OP.i32Load, 2, 4).set(groups);
    x.get(weights).get(row).mem(OP.i32Load, 2, 8).op(OP.i32Add).set(w);
    x.f32x4(0).set(acc);
    x.op(OP.block, 0x40, OP.loop, 0x40);
    x.get(groups).op(OP.i32Eqz, OP.brIf, 1);
    x.get(acc).get(w).v128Load().get(p).v128Load().simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc);
    x.get(p).i32(16).op(OP.i32Add).set(p);
    x.get(w).i32(16).op(OP.i32Add).set(w);
    x.get(groups).i32(1).op(OP.i32Sub).set(groups);
    x.op(OP.br, 0, OP.end, OP.end);
    x.get(dst);
    x.get(acc).simd(SIMD.f32x4ExtractLane, 0).get(acc).simd(SIMD.f32x4ExtractLane, 1).op(OP.f32Add);
    x.get(acc).simd(SIMD.f32x4ExtractLane, 2).get(acc).simd(SIMD.f32x4ExtractLane, 3).op(OP.f32Add);
    x.op(OP.f32Add).tee(sum).mem(OP.f32Store, 2);
    x.get(max).get(sum).op(OP.f32Max).set(max);
    x.get(dst).get(stride).op(OP.i32Add).set(dst);
    x.get(row).i32(12).op(OP.i32Add).set(row);
  });
  f.get(peak).get(max).mem(OP.f32Store, 2);
  return f;
}

function logAffineFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32'], []);
  const [values, count, add, floor, scale, shift, clampAt] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local('i32');
  const end = f.local('i32');
  const vAdd = f.local('v128');
  const vFloor = f.local('v128');
  const vScale = f.local('v128');
  const vShift = f.local('v128');
  const vClamp = f.local('v128');
  const x = f.local('v128');
  const e = f.local('v128');
  const m = f.local('v128');
  const mask = f.local('v128');
  const s = f.local('v128');
  const z = f.local('v128');
  for (const [param, local] of [[add, vAdd], [floor, vFloor], [scale, vScale], [shift, vShift], [clampAt, vClamp]] as const) {
    f.get(param).simd(SIMD.f32x4Splat).set(local);
  }
  f.get(values).set(i);
  f.get(values).get(count).i32(2).op(OP.i32Shl).op(OP.i32Add).set(end);
  f.loopWhileBelow(i, end, 16, (b) => {
    // x = max(v + add, floor): a positive normal float, so x = 2^e · m with m in [1, 2).
    b.get(i).v128Load().get(vAdd).simd(SIMD.f32x4Add).get(vFloor).simd(SIMD.f32x4Max).set(x);
    b.get(x).i32(23).simd(SIMD.i32x4ShrU).i32x4(127).simd(SIMD.i32x4Sub).set(e);
    b.get(x).i32x4(0x007fffff).simd(SIMD.and).i32x4(0x3f800000).simd(SIMD.or).set(m);
    // Centre m on 1 (m in [√½, √2)) so the series converges fast: halve m and add one to e where m > √2.
    b.get(m).f32x4(Math.SQRT2).simd(SIMD.f32x4Gt).set(mask);
    b.get(m).f32x4(0.5).simd(SIMD.f32x4Mul).get(m).get(mask).simd(SIMD.bitselect).set(m);
    b.get(e).get(mask).simd(SIMD.i32x4Sub).set(e);
    // ln(m) = 2·atanh(s) = s·(2 + 2/3·s² + 2/5·s⁴ + 2/7·s⁶ + 2/9·s⁸), s = (m − 1) / (m + 1), |s| ≤ 0.172.
    b.get(m).f32x4(1).simd(SIMD.f32x4Sub).get(m).f32x4(1).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(s);
    b.get(s).get(s).simd(SIMD.f32x4Mul).set(z);
    b.f32x4(2 / 9).get(z).simd(SIMD.f32x4Mul).f32x4(2 / 7).simd(SIMD.f32x4Add);
    b.get(z).simd(SIMD.f32x4Mul).f32x4(2 / 5).simd(SIMD.f32x4Add);
    b.get(z).simd(SIMD.f32x4Mul).f32x4(2 / 3).simd(SIMD.f32x4Add);
    b.get(z).simd(SIMD.f32x4Mul).f32x4(2).simd(SIMD.f32x4Add);
    b.get(s).simd(SIMD.f32x4Mul);
    // + e·ln2 in two parts, then the affine map and the clamp.
    b.get(e).simd(SIMD.f32x4ConvertI32x4S).tee(e).f32x4(LN2_LO).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
    b.get(e).f32x4(LN2_HI).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
    b.get(vScale).simd(SIMD.f32x4Mul).get(vShift).simd(SIMD.f32x4Add).get(vClamp).simd(SIMD.f32x4Max).set(x);
    b.get(i).get(x).v128Store();
  });
  return f;
}

let bytes: Uint8Array<ArrayBuffer> | null = null;

/** The kernel module's bytes (built once). */
export function melKernelBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= wasmModule({
    window: windowFunction(),
    finiteSum: finiteSumFunction(),
    preEmphasis: preEmphasisFunction(),
    powerMel: powerMelFunction(),
    logAffine: logAffineFunction(),
  });
  return bytes;
}
