// @echogarden/pffft-wasm ships no types; the tests import it directly to exercise `importModule`.
declare module '@echogarden/pffft-wasm' {
  const factory: (options?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
declare module '@echogarden/pffft-wasm/simd' {
  const factory: (options?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
