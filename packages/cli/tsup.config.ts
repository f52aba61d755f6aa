import { libraryConfig } from '../../tooling/tsup-config';

export default libraryConfig({ entry: ['src/index.ts', 'src/cli.ts'] });
