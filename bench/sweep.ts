import { and, asc, isNull, lte } from 'drizzle-orm';
import { connect } from '../db/client';
import { timers } from '../db/schema';
import type { AppContext } from '../server/context';
import { sweepDue } from '../server/engine/timers';
import type { PartResult, Row } from './report';
import { checkBurst, seedBackground, seedBurst, seedTimers, type BurstCheck } from './sweep-seed';
import { cpuMeter, msSince, planSummary, summarise, timeEach, type CpuUse } from './stats';
import { benchDatabase, startBenchApp, step, type BenchConfig } from './support';
import { makeBenchWorld } from './world';
import { forkSweeper } from './sweep-worker';

// sweepDue's default batch: what the worker's minute sweep selects at a time.
const SWEEP_LIMIT = 500;
const SAMPLES = 50;
// how many sweepers fire one burst at once (SPEC §8: run any number of workers): as async loops in
// this process (one event loop between them), then as processes of their own, as `npm run worker` is
const SWEEPERS: { n: number; processes: boolean }[] = [
  { n: 1, processes: false },
  { n: 2, processes: false },
  { n: 4, processes: false },
  { n: 2, processes: true },
  { n: 4, processes: true },
];
// each sweeper's own pool, as a worker process has (createAppContext's default)
const SWEEPER_POOL = 10;
// SPEC §9: a burst of 1,000 due deadlines fired within 2 s, at most 10 × 1,000 one-row commits
const TARGET_MS = 2_000;
const TARGET_RATIO = 10;

/** The selection at the head of sweepDue (server/engine/timers.ts), built the same way, to time it alone. */
function selectDue(app: AppContext) {
  return app.db
    .select({ id: timers.id })
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, app.clock.now())))
    .orderBy(asc(timers.fireAt))
    .limit(SWEEP_LIMIT);
}

async function explainDue(app: AppContext): Promise<string> {
  const q = selectDue(app).toSQL();
  return planSummary(await app.database.sql.unsafe(`explain (analyze, format json) ${q.sql}`, q.params as never[]));
}

interface SweepRun {
  sweepers: number;
  processes: boolean;
  ms: number;
  /** what each sweeper's sweepDue calls said they fired */
  reported: number[];
  calls: number;
  check: BurstCheck;
  cpu: CpuUse;
}

/**
 * `n` sweepers, each with a pool of its own as a worker process has, call sweepDue until it fires
 * nothing, all at once over the same burst; then what the burst left is counted.
 */
async function sweepBurst(app: AppContext, url: string, n: number, check: () => Promise<BurstCheck>): Promise<SweepRun> {
  const pools = Array.from({ length: n }, () => connect(url, { max: SWEEPER_POOL }));
  try {
    const contexts: AppContext[] = pools.map((database) => ({ ...app, database, db: database.db }));
    // a connection each before the clock starts: opening them is not what is measured
    await Promise.all(pools.map((p) => Promise.all(Array.from({ length: SWEEPER_POOL }, () => p.sql`select 1`))));
    let calls = 0;
    const t0 = process.hrtime.bigint();
    const meter = cpuMeter();
    const reported = await Promise.all(
      contexts.map(async (ctx) => {
        let fired = 0;
        for (let k = -1; k !== 0; calls++) {
          k = await sweepDue(ctx, SWEEP_LIMIT);
          fired += k;
        }
        return fired;
      }),
    );
    const ms = msSince(t0);
    const cpu = meter();
    return { sweepers: n, processes: false, ms, reported, calls, check: await check(), cpu };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

/** The same, each sweeper a process of its own (bench/sweep-worker.ts); CPU is theirs, not this process's. */
async function sweepBurstInProcesses(config: BenchConfig, url: string, n: number, check: () => Promise<BurstCheck>): Promise<SweepRun> {
  const plan = { databaseUrl: url, queuePrefix: `{bench-sweep-${process.pid}}`, poolSize: SWEEPER_POOL, limit: SWEEP_LIMIT, logLevel: config.BENCH_LOG_LEVEL };
  const sweepers = await Promise.all(Array.from({ length: n }, () => forkSweeper(plan)));
  const meter = cpuMeter();
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(sweepers.map((s) => s.go()));
  const ms = msSince(t0);
  const cpu = meter();
  const processMs = results.reduce((a, r) => a + r.cpuMs, 0);
  return {
    sweepers: n,
    processes: true,
    ms,
    reported: results.map((r) => r.fired),
    calls: results.reduce((a, r) => a + r.calls, 0),
    check: await check(),
    cpu: { ...cpu, processMs, processPct: Math.round((processMs / ms) * 100) },
  };
}

/** SPEC §9: the deadline sweep over 100,000 pending timers, and bursts of 1,000 due at once fired by 1, 2 and 4 sweepers. */
export async function benchSweep(config: BenchConfig): Promise<PartResult> {
  step('sweep: database and timers');
  const { url } = await benchDatabase('sweep');
  const bench = await startBenchApp(config, url);
  const { app } = bench;
  const world = await makeBenchWorld(app.db, bench.url);
  const sql = app.database.sql;
  const seed = await seedTimers(world, sql, config.BENCH_TIMERS);
  const first = await seedBurst(sql, seed, config.BENCH_DUE, 'S1');
  await seedBackground(sql, first, config.BENCH_TIMERS);

  step(`sweep: selecting (${SAMPLES} samples)`);
  const selectBusy = summarise(await timeEach(SAMPLES, () => selectDue(app)));
  const planBusy = await explainDue(app);
  const roundTrip = summarise(await timeEach(200, () => sql`select 1`));

  const runs: SweepRun[] = [];
  for (const { n, processes } of SWEEPERS) {
    const burst = runs.length === 0 ? first : await seedBurst(sql, seed, config.BENCH_DUE, `S${runs.length + 1}`);
    step(`sweep: ${burst.timerIds.length} due timers fired by ${nameOf(n, processes)} at once`);
    const check = () => checkBurst(sql, burst);
    runs.push(processes ? await sweepBurstInProcesses(config, url, n, check) : await sweepBurst(app, url, n, check));
  }
  const selectIdle = summarise(await timeEach(SAMPLES, () => selectDue(app)));
  const planIdle = await explainDue(app);

  // the floor for "one transaction per timer": a one-row update and its commit, as many times
  const floorIds = first.timerIds;
  const b0 = process.hrtime.bigint();
  for (const id of floorIds) await sql`update timers set data = data where id = ${id}`;
  const floorMs = msSince(b0);
  await bench.close();

  const due = config.BENCH_DUE;
  const fireRows = runs.flatMap((r): Row[] => {
    const name = nameOf(r.sweepers, r.processes);
    const ratio = r.ms / floorMs;
    return [
      {
        metric: `fire ${due} due, ${name} (${r.calls} sweepDue calls)`,
        unit: 'ms',
        app: r.ms,
        baseline: floorMs,
        baselineName: `${floorIds.length} commits`,
        ratio,
        target: `≤ ${TARGET_RATIO} × and < ${TARGET_MS / 1000} s`,
        met: ratio <= TARGET_RATIO && r.ms < TARGET_MS,
      },
      { metric: `  ${name}: fired twice`, unit: 'timers', app: r.check.firedTwice, target: '0', met: r.check.firedTwice === 0 },
      { metric: `  ${name}: not fired`, unit: 'timers', app: r.check.notFired, target: '0', met: r.check.notFired === 0 },
    ];
  });
  return {
    part: 'sweep',
    title: `3. Deadline sweep — ${seed.pending} pending timers (+${seed.done} fired or cancelled), bursts of ${due} due (baseline: select 1; one-row update commits)`,
    rows: [
      { metric: `select due (limit ${SWEEP_LIMIT}) p50`, unit: 'ms', app: selectBusy.p50, baseline: roundTrip.p50, baselineName: 'select 1', ratio: selectBusy.p50 / roundTrip.p50 },
      { metric: `select due (limit ${SWEEP_LIMIT}) max`, unit: 'ms', app: selectBusy.max, baseline: roundTrip.max, baselineName: 'select 1', target: '< 200 ms', met: selectBusy.max < 200 },
      { metric: 'select, none due, p50', unit: 'ms', app: selectIdle.p50, baseline: roundTrip.p50, baselineName: 'select 1', ratio: selectIdle.p50 / roundTrip.p50 },
      ...fireRows,
    ],
    notes: [
      ...runs.map(
        (r) =>
          `${nameOf(r.sweepers, r.processes)}: ${r.check.fired} of ${r.check.timers} fired (sweepDue said ${r.reported.join(' + ')}), ` +
          `${r.check.historyEntries} history entries (of ${Math.floor(due / 3)} lapsing cases), ${r.check.deliveries} email deliveries; ` +
          `${(r.ms / Math.max(1, r.check.fired)).toFixed(2)} ms per timer; CPU per timer: ${(r.cpu.processMs / Math.max(1, r.check.fired)).toFixed(2)} ms in the sweeper process${r.processes ? 'es' : ''} ` +
          `(${r.cpu.processPct} % of a core), ${(r.cpu.machineMs / Math.max(1, r.check.fired)).toFixed(2)} ms machine-wide (${r.cpu.machinePct} % busy, anyone's)`,
      ),
      `plan with ${due} due: ${planBusy}`,
      `plan with none due: ${planIdle}`,
    ],
    details: { seed, sweepLimit: SWEEP_LIMIT, sweeperPool: SWEEPER_POOL, selectBusy, selectIdle, roundTrip, runs, floorMs, planBusy, planIdle },
  };
}

const nameOf = (n: number, processes: boolean) => (processes ? `${n} sweeper processes` : `${n} sweeper${n === 1 ? '' : 's'} in one process`);
