import { defineConfig } from 'vitest/config';

// The fast tests: pure code only, no Postgres, Redis or SMTP, so no global set-up. StrykerJS runs
// these against every mutant (`npm run mutation`); `npm test` runs them with the rest.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    env: { NODE_ENV: 'test' },
    // the second reporter only matters to StrykerJS: see its file
    reporters: ['default', './test/support/load-failure-reporter.ts'],
  },
});
