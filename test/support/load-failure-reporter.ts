import type { RunnerTestCase, RunnerTestFile } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';

/**
 * For the mutation run only (vitest.unit.config.ts under StrykerJS). Stryker's vitest runner
 * builds a mutant's result from the tests it collected, and a test file whose import throws
 * collects none: a mutant that breaks a module at load time (e.g. the USCC check that the demo
 * firms run on import) was counted as survived although the suite cannot even start
 * (stryker-js issue 6150, open in 9.6.1). This reporter gives each such file one failed test that
 * carries its load error, so that the mutant counts as killed. Files that loaded are left alone.
 */
export default class LoadFailureAsFailedTest implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(): void {
    for (const file of this.vitest?.state.getFiles() ?? []) {
      if (file.result?.state === 'fail' && file.tasks.length === 0) file.tasks.push(loadFailure(file));
    }
  }
}

function loadFailure(file: RunnerTestFile): RunnerTestCase {
  // only what a reader of finished results looks at; vitest builds the rest (a test context)
  // for tests it runs itself, and nothing runs this one
  const test = {
    type: 'test',
    id: `${file.id}_load`,
    name: 'loads',
    fullName: `${file.name} > loads`,
    mode: 'run',
    file,
    suite: file,
    result: { state: 'fail', errors: file.result?.errors ?? [] },
    meta: {},
    annotations: [],
    artifacts: [],
    timeout: 0,
  };
  return test as unknown as RunnerTestCase;
}
