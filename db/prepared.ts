import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';

type Sql = postgres.Sql | postgres.TransactionSql;
type Callback = (sql: Sql) => unknown;

/** Set while a transaction's callback runs: the pool may not be asked for a second connection. */
const insideTransaction = new AsyncLocalStorage<true>();

export class SecondConnectionError extends Error {
  constructor(what: string) {
    super(
      `${what} asked the pool for a second connection inside a transaction; use the transaction's handle ` +
        '(with enough such callers at once, every connection would wait for another and the pool would hang)',
    );
    this.name = 'SecondConnectionError';
  }
}

/** A statement on a transaction's handle after the transaction's work ended: a bug, or work left running after a failure. */
export class TransactionEndedError extends Error {
  constructor() {
    super('a statement was sent on a transaction that has already ended (its work failed or finished); nothing was sent');
    this.name = 'TransactionEndedError';
  }
}

/**
 * Three jobs for the one place every query passes through.
 *
 * Prepared statements: drizzle's postgres-js adapter sends every query unprepared, so postgres.js
 * asks the server to describe its parameters first: two round trips per statement. Statement texts
 * here are fixed shapes with parameters, so preparing them (cached per connection by postgres.js)
 * is safe and halves the round trips of a transition (bench/events.ts). Transactions and savepoints
 * hand drizzle a new client, which gets the same treatment.
 *
 * No second connection inside a transaction (SPEC §9): a transaction holds one pooled connection;
 * if code inside it waits for another, as many concurrent callers as the pool is large hold every
 * connection and wait forever. The pool's own handle refuses to run in a transaction's async
 * context, so such a mistake fails at once, in tests first, instead of hanging the server.
 *
 * Nothing after a transaction's end: once a transaction's callback has settled — finished, or
 * failed because one of its statements failed or its connection was cut — its handle refuses
 * statements. Work the callback started and left running (one branch of a Promise.all whose other
 * branch failed) would otherwise send them to a connection that is by then rolled back, closed, or
 * reconnected and serving another transaction (porsager/postgres#1215, #1216).
 */
export function preparing<T extends Sql>(sql: T, pool = true, ended: () => boolean = () => false): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) => {
          if (pool && insideTransaction.getStore()) throw new SecondConnectionError('a query');
          // a transaction's code that runs on after it ended (one of its statements failed, its
          // connection was cut) must not reach the connection, which may by then serve another
          if (ended()) throw new TransactionEndedError();
          return target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare: true });
        };
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          if (pool && insideTransaction.getStore()) throw new SecondConnectionError('a new transaction');
          const callback = args.at(-1) as Callback;
          const run = (Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown).bind(target);
          return run(...args.slice(0, -1), (inner: Sql) => {
            let over = false;
            const handle = preparing(inner, false, () => over);
            return insideTransaction.run(true, async () => {
              try {
                return await callback(handle);
              } finally {
                over = true;
              }
            });
          });
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
