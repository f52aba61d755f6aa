import { libraryConfig } from '../../tooling/tsup-config';

// train-thread is the worker-thread entry that train-in-thread.ts starts next to the bundle.
export default libraryConfig({ entry: ['src/index.ts', 'src/train-thread.ts'] });
