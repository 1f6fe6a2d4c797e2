// `npm run bench`: the measurements of SPEC §9, each against a baseline taken in the same run on the
// same machine. Reads BENCH_* settings (bench/support.ts), prints one table per part and writes
// bench/results/<timestamp>.json. A missed target is reported, not turned into a failure: only a
// part that could not run makes the exit code non-zero. See docs/benchmarks.md.
import os from 'node:os';
import { env } from '../server/env';
import { benchEmail } from './email';
import { benchEvents } from './events';
import { benchList } from './list';
import { benchMoney } from './money';
import { machine, printPart, writeResults, type PartResult } from './report';
import { benchRoundReport } from './round-report';
import { benchSweep } from './sweep';
import { benchScale } from './scale';
import { msSince } from './stats';
import { loadConfig, runCleanups, type BenchConfig } from './support';

const parts: Record<string, (config: BenchConfig) => Promise<PartResult>> = {
  events: benchEvents,
  list: benchList,
  sweep: benchSweep,
  email: benchEmail,
  report: benchRoundReport,
  scale: benchScale,
  money: benchMoney,
};

const loadAverage = () => os.loadavg().map((l) => Math.round(l * 10) / 10);

async function main(): Promise<number> {
  const config = loadConfig();
  const wanted = config.BENCH_PARTS.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = wanted.filter((p) => !Object.hasOwn(parts, p));
  if (unknown.length > 0) throw new Error(`unknown BENCH_PARTS ${unknown.join(', ')}; choose from ${Object.keys(parts).join(', ')}`);
  const host = new URL(env.DATABASE_URL);
  console.error(`firstbatch benchmarks on ${machine().cpus} cores; PostgreSQL at ${host.searchParams.get('host') ?? host.hostname}:${host.port || 5432}, Redis at ${new URL(env.REDIS_URL).host}`);

  const started = new Date();
  const t0 = process.hrtime.bigint();
  const results: PartResult[] = [];
  const failures: { part: string; error: string }[] = [];
  for (const name of wanted) {
    const run = parts[name];
    if (!run) continue;
    const tp = process.hrtime.bigint();
    const loadBefore = loadAverage();
    try {
      const result = await run(config);
      result.details.elapsedSeconds = Math.round(msSince(tp) / 100) / 10;
      // other work on the machine skews every number: keep how busy it was beside them
      result.details.loadAverage = { before: loadBefore, after: loadAverage() };
      result.notes.push(`load average (1, 5, 15 min) before / after this part: ${loadBefore.join(' ')} / ${loadAverage().join(' ')}`);
      results.push(result);
      printPart(result);
    } catch (err) {
      console.error(`\n${name} could not run:`, err);
      failures.push({ part: name, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    } finally {
      await runCleanups();
    }
  }
  const seconds = Math.round(msSince(t0) / 1000);
  const file = await writeResults({ startedAt: started.toISOString(), seconds, machine: machine(), config, results, failures });
  console.log(`\n${results.length} part(s) in ${seconds} s; results written to ${file}`);
  return failures.length > 0 ? 1 : 0;
}

// Ctrl-C still drops the throw-away databases and queues.
process.once('SIGINT', () => {
  console.error('\ninterrupted; cleaning up');
  void runCleanups().finally(() => process.exit(130));
});

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await runCleanups();
    process.exit(1);
  },
);
