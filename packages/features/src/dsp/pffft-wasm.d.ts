// @echogarden/pffft-wasm ships no types; its default export is an Emscripten module factory.
declare module '@echogarden/pffft-wasm' {
  const factory: (options?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
declare module '@echogarden/pffft-wasm/simd' {
  const factory: (options?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
