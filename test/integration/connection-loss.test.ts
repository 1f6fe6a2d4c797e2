import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../db/client';
import { cloneDatabase, databaseUrl } from '../support/databases';

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

/** drizzle wraps a driver's error in its own, with the driver's as the cause */
function rootCause(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  return e;
}

// A transaction idle between two statements when its backend is terminated: postgres.js rejects the
// transaction but its callback runs on. The pool connects the same connection again for the next
// caller; the callback's next statement (none of its statements failed, and it has not settled) went
// to that new session, outside any transaction or inside the other caller's (porsager/postgres#1216).
describe('a transaction idle when its connection is cut, the connection then serving another caller', () => {
  let clone: { url: string; drop(): Promise<void> };
  let own: Database;
  beforeAll(async () => {
    clone = await cloneDatabase();
    // one connection: the next caller gets the very connection the transaction had
    own = connect(clone.url, { max: 1 });
    await own.sql`create table probe (label text not null)`;
  });
  beforeEach(async () => {
    await own.sql`truncate probe`;
  });
  afterAll(async () => {
    await own.close();
    await clone.drop();
  });

  /** Runs a transaction that is cut while idle, lets `meanwhile` use the pool, then has it insert `label`. */
  async function cutWhileIdle(label: string, meanwhile: () => Promise<unknown>) {
    let opened!: (pid: number) => void;
    const started = new Promise<number>((r) => (opened = r));
    let goOn!: () => void;
    const resumed = new Promise<void>((r) => (goOn = r));
    let insert: unknown = 'not yet';
    const attempt = own.db
      .transaction(async (tx) => {
        const [row] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
        opened(row?.pid ?? 0);
        await resumed;
        await tx.execute(sql`insert into probe (label) values (${label})`).then(
          () => (insert = 'inserted'),
          (err: unknown) => {
            insert = err;
            throw err;
          },
        );
      })
      .then(
        () => 'committed',
        () => 'rejected',
      );
    const pid = await started;
    await admin`select pg_terminate_backend(${pid})`;
    // the close reaches postgres.js, which rejects the transaction, before anything else happens
    await new Promise((r) => setTimeout(r, 300));
    const other = await meanwhile();
    goOn();
    const outcome = await attempt;
    await new Promise((r) => setTimeout(r, 100));
    return { outcome, insert, other };
  }

  async function committedLabels(): Promise<string[]> {
    const fresh = postgres(clone.url, { max: 1, onnotice: () => undefined });
    try {
      return (await fresh<{ label: string }[]>`select label from probe order by label`).map((r) => r.label);
    } finally {
      await fresh.end();
    }
  }

  it('refuses its next statement, as a lost connection, when the pool has connected again', async () => {
    const { outcome, insert } = await cutWhileIdle('late', () => own.db.execute(sql`select 1`));
    expect(outcome).toBe('rejected');
    expect(await committedLabels()).toEqual([]);
    expect((rootCause(insert) as { code?: string }).code).toBe('CONNECTION_CLOSED');
  });

  it('sends nothing into another caller\'s transaction, nor commits it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let other: Promise<string> = Promise.resolve('not begun');
    const { outcome, insert } = await cutWhileIdle('late in another', async () => {
      let begun!: () => void;
      const inside = new Promise<void>((r) => (begun = r));
      other = own.db
        .transaction(async (tx) => {
          await tx.execute(sql`insert into probe (label) values ('other')`);
          begun();
          await held;
          // this transaction's work fails after the cut transaction's statement was sent
          throw new Error('the other caller gives up');
        })
        .then(
          () => 'committed',
          (err: unknown) => (err as Error).message,
        );
      await inside;
    });
    release();
    expect(await other).toBe('the other caller gives up');
    expect(outcome).toBe('rejected');
    expect(await committedLabels()).toEqual([]);
    expect((rootCause(insert) as { code?: string }).code).toBe('CONNECTION_CLOSED');
  });
});

// pg_terminate_backend on a backend running a statement: the server answers the statement with a
// FATAL 57P01 and closes. postgres.js failed the statement with CONNECTION_CLOSED but kept the FATAL
// and the statement as its current state, and handed that error, when the pool connected again, to
// the first statement of the new, healthy session.
describe('the first statement after a connection cut mid-statement', () => {
  let clone: { url: string; drop(): Promise<void> };
  let own: Database;
  beforeAll(async () => {
    clone = await cloneDatabase();
    own = connect(clone.url, { max: 1 });
  });
  afterAll(async () => {
    await own.close();
    await clone.drop();
  });

  it('runs on the new session, free of the old session\'s error', async () => {
    const [row] = (await own.db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
    const sleeping = own.db.execute(sql`select pg_sleep(5)`).then(
      () => 'finished',
      (err: unknown) => (rootCause(err) as { code?: string }).code,
    );
    await new Promise((r) => setTimeout(r, 200));
    await admin`select pg_terminate_backend(${row?.pid ?? 0})`;
    expect(await sleeping).toBe('CONNECTION_CLOSED');
    await new Promise((r) => setTimeout(r, 300));
    const next = await own.db.execute(sql`select pg_backend_pid() as pid`).then(
      (rows) => (rows as unknown as { pid: number }[])[0]?.pid,
      (err: unknown) => err,
    );
    // (before: the old backend's 57P01, "terminating connection due to administrator command")
    expect(next).toBeTypeOf('number');
    expect(next).not.toBe(row?.pid);
  });
});

// Every new session first fetches the database's array types (postgres.js's fetch_types), from a
// promise nothing awaited: a session cut during that fetch (a burst of pg_terminate_backend, a
// failover while the pool reconnects) rejected it unhandled, and an unhandled rejection ends the
// server process (porsager/postgres#1192, #1205, #1223). The fetch is held here by a lock on pg_type
// in a database of the test's own, so that the termination lands on it.
describe('a session cut while it fetches the array types', () => {
  let clone: { url: string; drop(): Promise<void> };
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  beforeAll(async () => {
    clone = await cloneDatabase();
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await clone.drop();
  });

  it('costs no unhandled rejection, and the statement waiting for it runs on the next session', async () => {
    const locker = postgres(clone.url, { max: 1, onnotice: () => undefined, fetch_types: false });
    const fresh = connect(clone.url, { max: 1 });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = locker.begin(async (tx) => {
      await tx`lock table pg_catalog.pg_type in access exclusive mode`;
      locked();
      await gate;
    });
    try {
      await isLocked;
      const first = fresh.db.execute(sql`select 1 as one`).then(
        (rows) => (rows as unknown as { one: number }[])[0]?.one,
        (err: unknown) => err,
      );
      // the admin's session is in another database, where pg_type is not locked
      let terminated = 0;
      for (let i = 0; i < 100 && terminated === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const rows = await admin`
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = ${new URL(clone.url).pathname.slice(1)} and query like '%typarray%' and wait_event_type = 'Lock'`;
        terminated = rows.length;
      }
      expect(terminated).toBe(1);
      release();
      await held;
      expect(await first).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      // (before: the fetch's rejection, CONNECTION_CLOSED or the FATAL 57P01, unhandled)
      expect(unhandled.map((e) => String(e))).toEqual([]);
    } finally {
      release();
      await held.catch(() => undefined);
      await fresh.close();
      await locker.end();
    }
  }, 15_000);
});
