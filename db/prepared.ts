import type postgres from 'postgres';

type Sql = postgres.Sql | postgres.TransactionSql;
type Callback = (sql: Sql) => unknown;

/**
 * drizzle's postgres-js adapter sends every query unprepared, so postgres.js asks the server to
 * describe its parameters first: two round trips per statement. Statement texts here are fixed
 * shapes with parameters, so preparing them (cached per connection by postgres.js) is safe and
 * halves the round trips of a transition (bench/events.ts). Transactions and savepoints hand
 * drizzle a new client, which gets the same treatment.
 */
export function preparing<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.at(-1) as Callback;
          const run = (Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown).bind(target);
          return run(...args.slice(0, -1), (inner: Sql) => callback(preparing(inner)));
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
