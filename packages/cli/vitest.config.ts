import { packageTestConfig } from '../../tooling/vitest-config';

export default packageTestConfig();
