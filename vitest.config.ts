import { defineConfig } from 'vitest/config';

// uWS is a native addon: run test files in forked processes, not worker threads (STYLE.md).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: 'tests/global-setup.ts',
    pool: 'forks',
    reporters: ['default', './tests/helpers/plain-summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
