import { libraryConfig } from '../../tooling/tsup-config';

// `register` is its own entry: importing it registers the backend (a listed side effect). It imports the
// package by name (external) so both entries share one backend instance.
export default libraryConfig({ entry: ['src/index.ts', 'src/register.ts'], external: ['@noise-classifier/runtime-node'] });
