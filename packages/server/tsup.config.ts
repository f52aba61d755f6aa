import { libraryConfig } from '../../tooling/tsup-config';

// bullmq is the opt-in Redis queue entry; train-thread is the worker-thread entry that train-in-thread.ts starts next to the bundle.
export default libraryConfig({ entry: ['src/index.ts', 'src/bullmq.ts', 'src/train-thread.ts'] });
