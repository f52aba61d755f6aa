/**
 * A minimal WebAssembly binary writer: just enough to emit the front end's SIMD kernel from our own code (no
 * toolchain, nothing downloaded). Instructions are appended to a `FunctionBody`; `wasmModule` wraps the bodies
 * with a type, import (one memory), function, export and code section.
 */

export type ValueType = 'i32' | 'f32' | 'v128';
const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function f32Bytes(value: number): number[] {
  return Array.from(new Uint8Array(new Float32Array([value]).buffer));
}

/** SIMD opcodes used by the kernel (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Gt: 0x44,
  and: 0x4e,
  or: 0x50,
  bitselect: 0x52,
  i32x4ShrU: 0xad,
  i32x4Sub: 0xb1,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Max: 0xe9,
  f32x4ConvertI32x4S: 0xfa,
} as const;

/** Scalar opcodes used by the kernel. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Max: 0x97,
} as const;

/** The instructions of one function; methods append and return `this`. */
export class FunctionBody {
  readonly bytes: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(readonly params: readonly ValueType[], readonly results: readonly ValueType[]) {}

  /** Declares a local and returns its index (after the parameters). */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  get(index: number): this {
    return this.op(OP.localGet, ...uleb(index));
  }

  set(index: number): this {
    return this.op(OP.localSet, ...uleb(index));
  }

  tee(index: number): this {
    return this.op(OP.localTee, ...uleb(index));
  }

  i32(value: number): this {
    return this.op(OP.i32Const, ...sleb(value));
  }

  f32(value: number): this {
    return this.op(OP.f32Const, ...f32Bytes(value));
  }

  /** A memory instruction with its alignment exponent and constant offset. */
  mem(opcode: number, align: number, offset = 0): this {
    return this.op(opcode, ...uleb(align), ...uleb(offset));
  }

  simd(opcode: number, ...immediates: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...immediates);
  }

  v128Load(offset = 0): this {
    return this.simd(SIMD.load, ...uleb(0), ...uleb(offset));
  }

  v128Store(offset = 0): this {
    return this.simd(SIMD.store, ...uleb(0), ...uleb(offset));
  }

  /** v128.const of four float32 lanes. */
  f32x4(a: number, b = a, c = a, d = a): this {
    return this.simd(SIMD.const, ...[a, b, c, d].flatMap(f32Bytes));
  }

  /** v128.const of four int32 lanes. */
  i32x4(value: number): this {
    const lane = Array.from(new Uint8Array(new Int32Array([value]).buffer));
    return this.simd(SIMD.const, ...lane, ...lane, ...lane, ...lane);
  }

  /** `for (; counter < limit; counter += step) body` with unsigned comparison. */
  loopWhileBelow(counter: number, limit: number, step: number, body: (f: this) => void): this {
    this.op(OP.block, 0x40, OP.loop, 0x40);
    this.get(counter).get(limit).op(OP.i32GeU, OP.brIf, 1);
    body(this);
    this.get(counter).i32(step).op(OP.i32Add).set(counter);
    return this.op(OP.br, 0, OP.end, OP.end);
  }

  encode(): number[] {
    const groups: [count: number, type: number][] = [];
    for (const type of this.locals) {
      const last = groups.at(-1);
      if (last !== undefined && last[1] === VALUE_TYPE[type]) last[0] += 1;
      else groups.push([1, VALUE_TYPE[type]]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([count, type]) => [...uleb(count), type]), ...this.bytes, OP.end];
    return [...uleb(body.length), ...body];
  }
}

/** A module importing `env.memory` and exporting the given functions by name. */
export function wasmModule(functions: Readonly<Record<string, FunctionBody>>): Uint8Array<ArrayBuffer> {
  const entries = Object.entries(functions);
  const types = entries.map(([, f]) => [0x60, ...vector(f.params.map((t) => [VALUE_TYPE[t]])), ...vector(f.results.map((t) => [VALUE_TYPE[t]]))]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(entries.map((_, i) => uleb(i)))),
    ...section(7, vector(entries.map(([exportName], i) => [...name(exportName), 0x00, ...uleb(i)]))),
    ...section(10, vector(entries.map(([, f]) => f.encode()))),
  ];
  return new Uint8Array(bytes);
}
