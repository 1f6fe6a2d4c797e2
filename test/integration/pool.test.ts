import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { connect } from '../../db/client';
import { env } from '../../server/env';
import { SecondConnectionError } from '../../db/prepared';
import { useTestApp } from '../support/use-app';

// SPEC §9: any number of concurrent requests never exhausts the pool into a hang. The app here
// has a pool of 3, and every burst is larger than that.
const POOL = 3;
const { t, w } = useTestApp({ poolSize: POOL });

const returnedCase = () => w.caseIn('revision');

/** drizzle wraps a driver's error in its own, with the driver's as the cause */
function rootCause(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  return e;
}

describe('the connection pool under a burst', () => {
  it(`opens no more than the ${POOL} connections it was given, however many queries wait`, async () => {
    const marker = `pool-size-probe-${randomUUID()}`;
    const probe = sql.raw(`select pg_sleep(0.5) /* ${marker} */`);
    const sleeps = Promise.all(Array.from({ length: POOL + 2 }, () => t.app.db.execute(probe)));
    await new Promise((resolve) => setTimeout(resolve, 250));
    // counted over a connection of its own: the pool's are all asleep
    const observer = connect(env.DATABASE_URL, { max: 1 });
    try {
      const [row] = await observer.sql<{ sleeping: number }[]>`select count(*)::int as sleeping from pg_stat_activity where state = 'active' and query like ${`%${marker}%`} and pid <> pg_backend_pid()`;
      expect(row?.sleeping).toBe(POOL);
    } finally {
      await sleeps;
      await observer.close();
    }
  });

  it('answers every one of 4× the pool size concurrent RESUBMITs with a cold working-day calendar', async () => {
    const ids = [];
    for (let i = 0; i < POOL * 4; i++) ids.push(await returnedCase());
    // the calendar's cache refreshes inside the transactions the burst opens
    t.app.calendar.invalidate();
    const answers = await Promise.all(ids.map((id) => t.api.post<{ state: string }>(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.map((a) => a.body.state)).toEqual(ids.map(() => 'municipal'));
    expect((await t.api.get('/readyz')).status).toBe(200);
  });

  it('refuses, at once, a query that asks the pool for a second connection inside a transaction', async () => {
    const attempt = t.app.db.transaction(async () => t.app.db.execute(sql`select 1`));
    expect(rootCause(await attempt.catch((e: unknown) => e))).toBeInstanceOf(SecondConnectionError);
    const nested = t.app.db.transaction(async () => t.app.db.transaction(async (inner) => inner.execute(sql`select 1`)));
    expect(rootCause(await nested.catch((e: unknown) => e))).toBeInstanceOf(SecondConnectionError);
    // the transaction's own handle, savepoints included, is fine
    const fine = await t.app.db.transaction(async (tx) => tx.transaction(async (sp) => sp.execute(sql`select 1 as one`)));
    expect(fine[0]).toEqual({ one: 1 });
  });

  it('cancels a statement that outlives the statement timeout instead of holding its connection', async () => {
    const [row] = await t.app.db.execute<{ statement_timeout: string; idle_in_transaction_session_timeout: string }>(
      sql`select current_setting('statement_timeout') as statement_timeout, current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout`,
    );
    expect(row).toEqual({ statement_timeout: '30s', idle_in_transaction_session_timeout: '15s' });
  });
});
