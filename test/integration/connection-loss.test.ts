import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../db/client';
import { databaseUrl } from '../support/databases';

// SPEC §9: a lost database connection costs the requests on it an error (503), never the process.
// pg_terminate_backend on a transaction's backend between two of its statements: the next
// statement goes to a connection postgres.js has already closed (its socket set to null); a
// statement under 1 KiB is written from a setImmediate, where postgres.js 3.4.9 dereferences the
// null socket and throws outside any promise (porsager/postgres#1154, #1208): an uncaught
// TypeError that ends the server.
let database: Database;
let admin: postgres.Sql;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(() => {
  database = connect(databaseUrl('postgres'), { max: 2 });
  admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
  process.on('uncaughtException', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await database.close();
  await admin.end();
});

describe('a transaction whose connection is cut between two statements', () => {
  it('fails with an error the caller can catch, and the process and the pool carry on', async () => {
    let body: Promise<unknown> = Promise.resolve();
    const attempt = database.db.transaction((tx) => {
      body = (async () => {
        const [row] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
        await admin`select pg_terminate_backend(${row?.pid ?? 0})`;
        // the close reaches postgres.js (which rejects the transaction) before its next statement
        await new Promise((r) => setTimeout(r, 300));
        await tx.execute(sql`select 2`);
      })();
      return body;
    });
    const settled = (p: Promise<unknown>) =>
      Promise.race([
        p.then(
          () => 'committed',
          () => 'rejected',
        ),
        new Promise((r) => setTimeout(() => r('hung'), 5000)),
      ]);
    expect(await settled(attempt)).toBe('rejected');
    // the transaction's own code runs on after the rejection: its next statement must fail too
    const bodyOutcome = await settled(body);
    expect(uncaught.map((e) => String(e))).toEqual([]);
    expect(bodyOutcome).toBe('rejected');
    const [ok] = (await database.db.execute(sql`select 1 as one`)) as unknown as { one: number }[];
    expect(ok?.one).toBe(1);
  }, 15_000);
});
