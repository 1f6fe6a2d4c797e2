import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema';
import { preparing } from './prepared';
import { pgConnection } from './url';
import { batchingSocket } from './socket';

export type Db = PostgresJsDatabase<typeof schema>;
// A transaction handle is usable wherever a Db is: services take either.
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

// A request's statements take milliseconds; one that runs for half a minute, or a transaction left
// idle, is a bug or an overload. Either costs that request an error, never the pool (SPEC §9).
const STATEMENT_TIMEOUT_MS = 30_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

/** Seconds before a connection cut with an error connects again, after `retries` such closes in the pool. */
export function reconnectDelay(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

export function connect(url: string, options: { max?: number; statementTimeoutMs?: number } = {}): Database {
  const target = pgConnection(url);
  const sql = postgres(target.url, {
    ...(target.host ? { host: target.host } : {}),
    // a transition's pipelined statements leave in one write (db/socket.ts); postgres.js documents
    // the option in its README, its types do not declare it
    ...({ socket: batchingSocket } as object),
    max: options.max ?? 10,
    onnotice: () => undefined,
    connect_timeout: 5,
    connection: {
      statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    // a connection cut with an error waits before it connects again; postgres.js grows the wait with
    // every such close in the whole pool (3^n / 100 s, up to 20 s), so a dozen connections cut at
    // once (a restart, a failover) would leave every request waiting 10–20 s. Bounded at about a second.
    backoff: reconnectDelay,
    // bigint columns come back as JavaScript bigint, never as lossy numbers
    types: { bigint: postgres.BigInt },
  });
  const db = drizzle(preparing(sql), { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
