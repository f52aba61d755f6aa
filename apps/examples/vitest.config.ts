import { packageTestConfig } from '../../tooling/vitest-config';

export default packageTestConfig({ testTimeout: 120_000 });
