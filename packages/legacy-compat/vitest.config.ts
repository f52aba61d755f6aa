import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../tooling/vitest-config.ts';

// The untrained model and the clip the tests and migration snippets open are built once per run.
export default mergeConfig(packageTestConfig({ testTimeout: 120_000 }), { test: { globalSetup: ['test/global-setup.ts'] } });
