import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the browser tests run on their own afterwards (vitest.e2e.config.ts)
    exclude: ['test/e2e/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // the files run side by side on their own data; on a two-core machine vitest's default would be one
    maxWorkers: Math.max(2, availableParallelism() - 1),
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/firstbatch_test',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      DATA_DIR: './data/test',
      // test files register dozens of firms from 127.0.0.1; the throttle has a test of its own
      REGISTRATIONS_PER_HOUR: '100000',
      LOGINS_PER_MINUTE: '100000',
      OBJECTIONS_PER_HOUR: '100000',
    },
  },
});
