import { libraryConfig } from '../../tooling/tsup-config.ts';

// `node/index` is the Node-only entry (`@noise-classifier/training/node`): onnxruntime-node gradients, the
// worker-thread helper, file checkpoint stores. Shims give CJS builds import.meta.url.
export default libraryConfig({
  entry: {
    index: 'src/index.ts',
    'node/index': 'src/node/index.ts',
  },
  shims: true,
});
