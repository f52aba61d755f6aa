import { libraryConfig } from '../../tooling/tsup-config.ts';

// `node/index` is the Node-only entry (`@noise-classifier/pipelines/node`), `wire/index` the wire format's (`/wire`); shims give CJS builds import.meta.url.
// `node/default-runtime` and `web/default-runtime` are what the private import `#default-runtime` resolves to
// (package.json `imports`, by the `node` / `default` conditions); it stays external so the consumer's resolver
// (Node, Vite, webpack) picks the platform, not this build.
export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    'node/index': 'src/node/index.ts',
    'wire/index': 'src/wire/index.ts',
    'node/default-runtime': 'src/node/default-runtime.ts',
    'web/default-runtime': 'src/web/default-runtime.ts',
  },
  external: ['#default-runtime'],
  shims: true,
  // The CommonJS build loads `#default-runtime` with require (its CommonJS variant), see service/default-runtime.ts.
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, __NOISE_CLASSIFIER_CJS__: format === 'cjs' ? 'true' : 'false' };
  },
});
