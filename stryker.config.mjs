// @ts-check
// Mutation testing of the pure rules (`npm run mutation`; docs/mutation.md): StrykerJS changes the
// code one small way at a time and runs the fast unit tests against each change. A change no test
// notices is a gap in the tests, or an equivalent mutant explained in docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  checkers: ['typescript'],
  // the mutated folders and their unit tests only: checking the whole project per mutant is slow
  tsconfigFile: 'tsconfig.stryker.json',
  mutate: [
    'server/domain/**/*.ts',
    // the calendar's pure counting; admin.ts and store.ts read and write the database
    'server/calendar/{dates,workdays,statutory,official,chinese-days}.ts',
    'workflows/**/*.ts',
    // the §5 rules; facts.ts and renewal-chain.ts are the queries that feed them
    'server/cases/rules/{problem,eligibility,required,user-unit,contract-policy,links,renewal}.ts',
  ],
  coverageAnalysis: 'perTest',
  // a machine shared with other work: one or two mutants at a time
  concurrency: 2,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};

export default config;
