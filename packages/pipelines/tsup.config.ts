import { libraryConfig } from '../../tooling/tsup-config.ts';

// `node/index` is the Node-only entry (`@noise-classifier/pipelines/node`); shims give CJS builds import.meta.url.
export default libraryConfig({ entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' }, shims: true });
