import { and, asc, isNull, lte } from 'drizzle-orm';
import { timers } from '../db/schema';
import type { AppContext } from '../server/context';
import { sweepDue } from '../server/engine/timers';
import type { PartResult } from './report';
import { seedTimers } from './sweep-seed';
import { msSince, planSummary, summarise, timeEach } from './stats';
import { benchDatabase, startBenchApp, step, type BenchConfig } from './support';
import { makeBenchWorld } from './world';

// sweepDue's default batch: what the worker's minute sweep selects at a time.
const SWEEP_LIMIT = 500;
const SAMPLES = 50;

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

/** SPEC §9: the deadline sweep over 100,000 pending timers with 1,000 due. */
export async function benchSweep(config: BenchConfig): Promise<PartResult> {
  step('sweep: database and timers');
  const { url } = await benchDatabase('sweep');
  const bench = await startBenchApp(config, url);
  const { app } = bench;
  const world = await makeBenchWorld(app.db, bench.url);
  const seed = await seedTimers(world, app.database.sql, config.BENCH_DUE, config.BENCH_TIMERS);
  const sql = app.database.sql;

  step(`sweep: selecting (${SAMPLES} samples), then firing ${config.BENCH_DUE} due timers`);
  const selectBusy = summarise(await timeEach(SAMPLES, () => selectDue(app)));
  const planBusy = await explainDue(app);
  const roundTrip = summarise(await timeEach(200, () => sql`select 1`));

  const t0 = process.hrtime.bigint();
  let fired = 0;
  let sweeps = 0;
  for (let n = -1; n !== 0; sweeps++) {
    n = await sweepDue(app);
    fired += n;
  }
  const fireMs = msSince(t0);
  const selectIdle = summarise(await timeEach(SAMPLES, () => selectDue(app)));
  const planIdle = await explainDue(app);

  // the floor for "one transaction per timer": a one-row update and its commit, as many times
  const firedIds = (await sql<{ id: string }[]>`select id from timers where fired_at is not null and fired_at > now() - interval '1 hour'`).map((r) => r.id);
  const b0 = process.hrtime.bigint();
  for (const id of firedIds) await sql`update timers set data = data where id = ${id}`;
  const floorMs = msSince(b0);
  const [effects] = await sql<{ deliveries: string; expired: string }[]>`
    select (select count(*) from email_deliveries) as deliveries, (select count(*) from clocks where status = 'expired') as expired`;
  await bench.close();

  const perTimer = fireMs / Math.max(1, fired);
  const floorPer = floorMs / Math.max(1, firedIds.length);
  return {
    part: 'sweep',
    title: `3. Deadline sweep — ${seed.pending} pending timers (+${seed.done} fired or cancelled), ${seed.due} due (baseline: select 1; one-row update commits)`,
    rows: [
      { metric: `select due (limit ${SWEEP_LIMIT}) p50`, unit: 'ms', app: selectBusy.p50, baseline: roundTrip.p50, baselineName: 'select 1', ratio: selectBusy.p50 / roundTrip.p50 },
      { metric: `select due (limit ${SWEEP_LIMIT}) max`, unit: 'ms', app: selectBusy.max, baseline: roundTrip.max, baselineName: 'select 1', target: '< 200 ms', met: selectBusy.max < 200 },
      { metric: 'select, none due, p50', unit: 'ms', app: selectIdle.p50, baseline: roundTrip.p50, baselineName: 'select 1', ratio: selectIdle.p50 / roundTrip.p50 },
      { metric: `fire ${fired} due (${sweeps} sweepDue calls)`, unit: 'ms', app: fireMs, baseline: floorMs, baselineName: `${firedIds.length} commits`, ratio: fireMs / floorMs },
      { metric: 'fire, per timer', unit: 'ms', app: perTimer, baseline: floorPer, baselineName: 'one commit', ratio: perTimer / floorPer },
    ],
    notes: [
      `fired ${fired} of ${seed.due} due; ${effects?.deliveries ?? '?'} email deliveries written, ${effects?.expired ?? '?'} clocks expired`,
      `plan with ${seed.due} due: ${planBusy}`,
      `plan with none due: ${planIdle}`,
    ],
    details: { seed, sweepLimit: SWEEP_LIMIT, selectBusy, selectIdle, roundTrip, fireMs, fired, sweeps, floorMs, planBusy, planIdle },
  };
}
