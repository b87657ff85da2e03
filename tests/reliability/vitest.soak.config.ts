// `npm run test:soak`: the reliability suites in their long form (SOAK=1: 100 kills, 30 s outage,
// 50,000 fuzzed payloads, 200 close races, 20 s slow-viewer phases with the strict 1.2× p99 bound).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    globalSetup: 'tests/global-setup.ts',
    pool: 'forks',
    // One file at a time: the latency and memory figures are not measured against each other.
    fileParallelism: false,
    env: { SOAK: '1' },
    reporters: ['default', './tests/helpers/plain-summary-reporter.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
  },
});
