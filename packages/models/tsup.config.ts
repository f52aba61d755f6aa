import { libraryConfig } from '../../tooling/tsup-config';

export default libraryConfig();
