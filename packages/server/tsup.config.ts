import { libraryConfig } from '../../tooling/tsup-config.ts';

export default libraryConfig();
