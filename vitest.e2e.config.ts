import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The browser tests (test/e2e): run after the others by `npm test`, one file at a time, so that
// Chromium's load does not slow the timing-bound tests of the other files (password hashing,
// readers off the main thread) nor they the browser. `npx vitest run --config vitest.e2e.config.ts`.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    testTimeout: 120_000,
  },
});
