import { defineConfig } from 'vitest/config';
import { LOAD_SENSITIVE } from './vitest.config.ts';

// The load-sensitive tests (see vitest.config.ts), alone: one file at a time, after the rest.
export default defineConfig({
  test: {
    include: LOAD_SENSITIVE,
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
