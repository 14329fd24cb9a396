import { defineConfig } from 'vitest/config';

/**
 * Tests whose assertions are about latency or timing under load (a slowloris of thousands of
 * connections, SIGTERM drain windows, backpressure): they run after the rest, one file at a time
 * (`vitest.load.config.ts`), so the other suites' CPU on two cores is not what they measure.
 */
export const LOAD_SENSITIVE = [
  'packages/quickship/test/edge/slowloris.test.ts',
  'services/payments/test/ops/sigterm.test.ts',
  'packages/quickship/src/runtime/fast-path.test.ts',
];

// One private PostgreSQL cluster for the whole run (test/global-setup.ts) unless DATABASE_URL
// is set; each test file creates its own database on it.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', ...LOAD_SENSITIVE],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
