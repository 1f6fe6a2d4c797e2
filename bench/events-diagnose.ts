import { eq } from 'drizzle-orm';
import type postgres from 'postgres';
import { users } from '../db/schema';
import type { ClientPlan, LoadResult } from './events-client';
import { forkLoad } from './events-load';
import { runPgbench, type PgbenchResult } from './pgbench';
import { summarise, timeEach, type Summary } from './stats';
import type { BenchApp } from './support';

export interface Diagnosis {
  serial: LoadResult | null;
  serialSeconds: number;
  pgSerial: PgbenchResult;
  /** SQL statements the server sent per event, begin, commit and the session lookup included */
  statementsPerEvent: number;
  /** one indexed select as the services issue it (drizzle), and as a prepared statement of the driver */
  drizzleSelect: Summary;
  preparedSelect: Summary;
  /** GET /healthz with as many clients: what the HTTP stack alone manages on this machine */
  floor: { rate: number; latency: Summary };
}

/** Counts the statements the app's driver sends, through postgres.js's documented `debug` hook. */
function countStatements(sql: postgres.Sql) {
  const options = sql.options as { debug?: unknown };
  let n = 0;
  options.debug = () => {
    n++;
  };
  return () => {
    options.debug = false;
    return n;
  };
}

/**
 * Why an event costs what it does: one client alone (no queueing behind the others) beside
 * pgbench with one client, the statements per event, and the price of one statement.
 */
export async function diagnoseEvents(bench: BenchApp, clients: ClientPlan[], seconds: number, scale: number): Promise<Diagnosis> {
  const serialSeconds = Math.min(5, seconds);
  const stop = countStatements(bench.app.database.sql);
  const client = clients[0];
  const serial = client ? await forkLoad({ baseUrl: bench.url, warmupMs: 1000, durationMs: serialSeconds * 1000, clients: [client] }) : null;
  const statements = stop();
  const events = serial?.completed ?? 0;
  const pgSerial = await runPgbench({ clients: 1, seconds: serialSeconds, warmupSeconds: 1, scale });

  const [someone] = await bench.app.db.select({ id: users.id }).from(users).limit(1);
  const id = someone?.id ?? '00000000-0000-0000-0000-000000000000';
  const sql = bench.app.database.sql;
  const drizzleSelect = summarise(await timeEach(1000, () => bench.app.db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, id))));
  const preparedSelect = summarise(await timeEach(1000, () => sql`select id, email from users where id = ${id}`));
  const floorLoad = await forkLoad({ baseUrl: bench.url, warmupMs: 1000, durationMs: serialSeconds * 1000, clients, floorPath: '/healthz' });
  const floor = { rate: floorLoad.latencies.length / serialSeconds, latency: summarise(floorLoad.latencies) };
  return { floor, serial, serialSeconds, pgSerial, statementsPerEvent: events > 0 ? statements / events : Number.NaN, drizzleSelect, preparedSelect };
}
