import { NoiseClassifierError } from '@noise-classifier/config';
import { loadWindowed, type FftBackend, type FftBackendFactory } from './fft-backend';
import type { BinPairWeights } from './mel-filterbank';
import type { OrderedFloat32Transform } from './simd/simd-mel-kernel';

/** The part of the Emscripten module of @echogarden/pffft-wasm that we use. */
interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(size: number, transform: number): number;
  _pffft_destroy_setup(setup: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_aligned_free(pointer: number): void;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
}

type PffftModuleFactory = (options?: Record<string, unknown>) => Promise<PffftModule>;

/** A module whose default export is the PFFFT Emscripten factory (`@echogarden/pffft-wasm[/simd]`). */
export type PffftModuleImport = (simd: boolean) => Promise<{ default: unknown }>;

/** How to load PFFFT. Defaults suit Node; browser bundles opt in with `importModule` (see the README). */
export interface PffftLoadOptions {
  /**
   * Imports the Emscripten loader. Default: a dynamic import of `@echogarden/pffft-wasm/simd` (or the scalar
   * build) through a computed specifier, which bundlers leave alone — its loader contains a Node-only
   * `import("module")` that browser bundlers reject. Browser apps that want the WASM FFT pass
   * `(simd) => simd ? import('@echogarden/pffft-wasm/simd') : import('@echogarden/pffft-wasm')`.
   */
  importModule?: PffftModuleImport;
  /** The bytes of `pffft.wasm` (from `@echogarden/pffft-wasm/dist/simd/` or `/non-simd/`), to skip fetching it. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Maps `pffft.wasm` to the URL it is served from. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** Which build to load; default tries SIMD first, then the scalar build. */
  simd?: boolean;
}

const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

/**
 * PFFFT compiled to WebAssembly (SIMD build when the engine has WASM SIMD). The transform is float32;
 * its ordered real output is [X0.re, X(N/2).re, X1.re, X1.im, …]. Input/output/work buffers live in the
 * module's heap and are reused for every frame.
 */
class PffftBackend implements FftBackend {
  readonly name: string;
  readonly size: number;
  private readonly module: PffftModule;
  private setup: number;
  private readonly inPtr: number;
  private readonly outPtr: number;
  private readonly workPtr: number;
  private inView: Float32Array;
  private outView: Float32Array;

  constructor(module: PffftModule, name: string, size: number) {
    this.module = module;
    this.name = name;
    this.size = size;
    this.setup = module._pffft_new_setup(size, PFFFT_REAL);
    if (this.setup === 0) {
      throw new NoiseClassifierError('E_FFT_SIZE', 'PFFFT cannot transform this nFft', {
        field: 'nFft',
        expected: PFFFT_SIZE_RULE,
        received: String(size),
      });
    }
    this.inPtr = module._pffft_aligned_malloc(size * 4);
    this.outPtr = module._pffft_aligned_malloc(size * 4);
    this.workPtr = module._pffft_aligned_malloc(size * 4);
    this.inView = this.view(this.inPtr);
    this.outView = this.view(this.outPtr);
    this.inView.fill(0);
  }

  input(): Float32Array {
    this.refreshViews();
    return this.inView;
  }

  loadFrame(signal: Float32Array, offset: number, window: Float64Array, first: number, end: number): void {
    this.refreshViews();
    loadWindowed(this.inView, signal, offset, window, first, end);
  }

  // Indices below: outView holds `size` floats (PFFFT's ordered output: y[0] = DC, y[1] = Nyquist, then
  // (re, im) pairs for k = 1 … size/2 − 1); out, band, lower and upper are sized per the FftBackend contract.
  powerSpectrum(out: Float64Array): void {
    this.module._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, PFFFT_FORWARD);
    this.refreshViews();
    const y = this.outView;
    const half = this.size >> 1;
    out[0] = y[0]! * y[0]!;
    out[half] = y[1]! * y[1]!;
    for (let k = 1; k < half; k++) {
      const re = y[2 * k]!;
      const im = y[2 * k + 1]!;
      out[k] = re * re + im * im;
    }
  }

  melPower(weights: BinPairWeights, acc: Float64Array): void {
    this.module._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, PFFFT_FORWARD);
    this.refreshViews();
    // Same running-sum loop as accumulateMel, reading the ordered output in place (no power buffer).
    const y = this.outView;
    const half = this.size >> 1;
    const { band, lower, upper } = weights;
    acc.fill(0, 0, weights.nMels + 1);
    let current = band[0]!;
    const p0 = y[0]! * y[0]!;
    let sumLower = lower[0]! * p0;
    let sumUpper = upper[0]! * p0;
    for (let k = 1; k < half; k++) {
      const j = band[k]!;
      if (j !== current) {
        acc[current]! += sumLower;
        acc[current + 1]! += sumUpper;
        sumLower = 0;
        sumUpper = 0;
        current = j;
      }
      const re = y[2 * k]!;
      const im = y[2 * k + 1]!;
      const p = re * re + im * im;
      sumLower += lower[k]! * p;
      sumUpper += upper[k]! * p;
    }
    acc[current]! += sumLower;
    acc[current + 1]! += sumUpper;
    const pn = y[1]! * y[1]!;
    acc[band[half]!]! += lower[half]! * pn;
    acc[band[half]! + 1]! += upper[half]! * pn;
  }

  orderedFloat32(): OrderedFloat32Transform {
    this.refreshViews();
    const { module, setup, inPtr, outPtr, workPtr } = this;
    return {
      input: this.inView,
      output: this.outView,
      run: () => module._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD),
    };
  }

  realForward(out: Float64Array): void {
    this.module._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, PFFFT_FORWARD);
    this.refreshViews();
    const y = this.outView;
    const half = this.size >> 1;
    out[0] = y[0]!;
    out[1] = 0;
    out[2 * half] = y[1]!;
    out[2 * half + 1] = 0;
    for (let i = 2; i < this.size; i++) out[i] = y[i]!;
  }

  dispose(): void {
    if (this.setup === 0) return;
    this.module._pffft_destroy_setup(this.setup);
    this.module._pffft_aligned_free(this.inPtr);
    this.module._pffft_aligned_free(this.outPtr);
    this.module._pffft_aligned_free(this.workPtr);
    this.setup = 0;
  }

  /** Heap growth replaces the module's ArrayBuffer; views made before it are detached. */
  private refreshViews(): void {
    if (this.inView.buffer !== this.module.HEAPF32.buffer) {
      this.inView = this.view(this.inPtr);
      this.outView = this.view(this.outPtr);
    }
  }

  private view(pointer: number): Float32Array {
    return this.module.HEAPF32.subarray(pointer >> 2, (pointer >> 2) + this.size);
  }
}

const PFFFT_SIZE_RULE = 'a multiple of 32 whose other factors are 2, 3 and 5 (e.g. 512, 1024, 2048, 2400)';

function pffftSupports(size: number): boolean {
  if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) return false;
  let rest = size / 32;
  for (const p of [2, 3, 5]) while (rest % p === 0) rest /= p;
  return rest === 1;
}

function factoryFor(module: PffftModule, name: string): FftBackendFactory {
  return {
    name,
    sizeRule: PFFFT_SIZE_RULE,
    supportsSize: pffftSupports,
    create(size) {
      if (!pffftSupports(size)) {
        throw new NoiseClassifierError('E_FFT_SIZE', 'PFFFT cannot transform this nFft', {
          field: 'nFft',
          expected: PFFFT_SIZE_RULE,
          received: String(size),
        });
      }
      return new PffftBackend(module, name, size);
    },
  };
}

const loaded = new Map<string, Promise<FftBackendFactory>>();

const PFFFT_PACKAGE = '@echogarden/pffft-wasm';

/** Node (and any runtime resolving bare specifiers) imports the package directly; bundlers skip this import. */
const defaultImport: PffftModuleImport = (simd) => {
  const specifier = simd ? `${PFFFT_PACKAGE}/simd` : PFFFT_PACKAGE;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<{ default: unknown }>;
};

async function loadBuild(simd: boolean, options: PffftLoadOptions): Promise<FftBackendFactory> {
  // The loader picks its own way to read pffft.wasm (fetch in browsers, fs in Node); nothing
  // platform-specific is imported here. Each build is compiled once per process (unless options are given).
  const key = simd ? 'simd' : 'scalar';
  const shared = options.wasmBinary === undefined && options.locateFile === undefined && options.importModule === undefined;
  const cached = shared ? loaded.get(key) : undefined;
  if (cached) return cached;
  const promise = (async () => {
    const imported = (await (options.importModule ?? defaultImport)(simd)) as { default: PffftModuleFactory };
    if (typeof imported?.default !== 'function') throw new Error('the imported module has no default export factory');
    // Failures surface as our E_RUNTIME_MISSING error; keep Emscripten from also printing them.
    const moduleOptions: Record<string, unknown> = { printErr: () => undefined };
    if (options.wasmBinary !== undefined) moduleOptions.wasmBinary = options.wasmBinary;
    if (options.locateFile !== undefined) moduleOptions.locateFile = options.locateFile;
    const module = await imported.default(moduleOptions);
    return factoryFor(module, simd ? 'pffft-simd' : 'pffft-scalar');
  })();
  if (shared) {
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

/**
 * Loads PFFFT: the SIMD build first (unless `simd: false`), the scalar build when the engine lacks
 * WebAssembly SIMD. Rejects with `E_RUNTIME_MISSING` when neither loads.
 */
export async function loadPffft(options: PffftLoadOptions = {}): Promise<FftBackendFactory> {
  const builds = options.simd === undefined ? [true, false] : [options.simd];
  const failures: string[] = [];
  for (const simd of builds) {
    try {
      return await loadBuild(simd, options);
    } catch (error) {
      failures.push(`${simd ? 'SIMD' : 'scalar'} build: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new NoiseClassifierError('E_RUNTIME_MISSING', 'The PFFFT WebAssembly FFT could not be loaded', {
    field: 'fft',
    expected: 'a loadable @echogarden/pffft-wasm build',
    received: failures.join('; '),
  });
}
