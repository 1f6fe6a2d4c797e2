import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema';
import { preparing } from './prepared';

export type Db = PostgresJsDatabase<typeof schema>;
// A transaction handle is usable wherever a Db is: services take either.
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function connect(url: string, options: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    connect_timeout: 5,
    // bigint columns come back as JavaScript bigint, never as lossy numbers
    types: { bigint: postgres.BigInt },
  });
  const db = drizzle(preparing(sql), { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
