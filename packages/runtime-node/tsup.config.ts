import { libraryConfig } from '../../tooling/tsup-config';

// `register` is its own entry: importing it registers the backend (a listed side effect).
export default libraryConfig({ entry: ['src/index.ts', 'src/register.ts'] });
