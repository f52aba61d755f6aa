import { defineConfig } from 'vitest/config';

/** Shared vitest settings: tests read workspace siblings from source, not from dist. */
export function packageTestConfig(overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: ['@noise-classifier/source'] },
    ssr: { resolve: { conditions: ['@noise-classifier/source'] } },
    test: {
      include: overrides.include ?? ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      pool: 'forks',
      maxWorkers: 2,
    },
  });
}
