import { eq, getTableColumns, getTableName, SQL, sql, type Placeholder } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import type { DbOrTx } from './client';

/**
 * Statements whose text is built once per shape (docs/benchmarks.md, "The event path, round
 * three"). drizzle builds a statement's SQL text from its query tree on every call, which costs
 * more CPU than the statement itself costs the database (50–170 µs each, a score of them per
 * event). The statements of the event path have fixed shapes with only their values changing, so
 * each is built here once, against a builder with no connection, with placeholders for its values;
 * a call runs that built statement, with drizzle's own parameter encoding and result mapping, on
 * the connection of the handle it is given (a transaction's, or the pool's). The statement is sent
 * prepared, as every statement is (db/prepared.ts), so the server plans it once per connection too.
 */
const builder = drizzle.mock({ schema });
export type Builder = typeof builder;

/** What drizzle's `.prepare()` answers, as far as it is used here. */
interface Built<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

// drizzle's handles (the pool's database and a transaction) keep their postgres.js client on their
// session; a built statement runs on whichever client it is handed
interface HasClient {
  session: { client: unknown };
}

function runOn<R>(built: Built<R>, db: DbOrTx, values: Record<string, unknown>): Promise<R> {
  const bound = Object.create(built) as Built<R> & { client: unknown };
  bound.client = (db as unknown as HasClient).session.client;
  return bound.execute(values);
}

/** A placeholder for the value named `name` of a shaped statement. */
export const p = (name: string): Placeholder => sql.placeholder(name);

/**
 * A statement of fixed shape: `build` makes it once with placeholders (`p('id')`) for what
 * changes; the function answered runs it on a handle with those values.
 */
export function shaped<V extends Record<string, unknown>, R>(name: string, build: (b: Builder) => { prepare(name: string): Built<R> }): (db: DbOrTx, values: V) => Promise<R> {
  let built: Built<R> | undefined;
  return (db, values) => runOn((built ??= build(builder).prepare(name)), db, values);
}

// a shape per table, the columns each row gives (and which of them are null) and the number of
// rows: the inserts of a transition are a few rows each, of a handful of column sets; many rows at
// once go through drizzle as usual
const MAX_SHAPED_ROWS = 32;
const MAX_SHAPES = 2000;
const inserts = new Map<string, Built<unknown>>();

type Values = Record<string, unknown>;

/**
 * `db.insert(table).values(rows)` with its text built once per shape. A column a row leaves out (or
 * gives as undefined) gets its default, as drizzle gives it; a null is written as a null, never
 * through the column's encoder (which would make a JSON column's null the JSON value `null`). Rows
 * holding SQL expressions, and many rows at once, go through drizzle as usual.
 */
export function insertRows<T extends PgTable>(db: DbOrTx, table: T, rows: readonly T['$inferInsert'][]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve();
  const columns = getTableColumns(table);
  const given = rows.map((row) => Object.entries(row as Values).filter(([k, v]) => v !== undefined && k in columns));
  if (rows.length > MAX_SHAPED_ROWS || given.some((g) => g.some(([, v]) => v instanceof SQL))) return db.insert(table).values(rows as T['$inferInsert'][]);
  const key = `${getTableName(table)}|${given.map((g) => g.map(([k, v]) => (v === null ? `${k}:null` : k)).join(',')).join('|')}`;
  let built = inserts.get(key);
  if (!built) {
    const shapes = given.map((g, i) => Object.fromEntries(g.map(([k, v]) => [k, v === null ? null : p(`${i}.${k}`)])));
    built = (builder.insert(table).values(shapes as T['$inferInsert'][]) as unknown as { prepare(name: string): Built<unknown> }).prepare(`insert ${key}`);
    if (inserts.size < MAX_SHAPES) inserts.set(key, built);
  }
  const values: Values = {};
  given.forEach((g, i) => {
    for (const [k, v] of g) if (v !== null) values[`${i}.${k}`] = v;
  });
  return runOn(built, db, values);
}

const updates = new Map<string, Built<unknown>>();

/**
 * `db.update(table).set(set).where(eq(table.id, id))` with its text built once per table and set of
 * columns (nulls written as nulls, as in insertRows).
 */
export function updateById<T extends PgTable & { id: AnyPgColumn }>(db: DbOrTx, table: T, id: string, set: Partial<T['$inferInsert']>): Promise<unknown> {
  const columns = getTableColumns(table);
  const given = Object.entries(set as Values).filter(([k, v]) => v !== undefined && k in columns);
  if (given.length === 0 || given.some(([, v]) => v instanceof SQL)) return db.update(table).set(set).where(eq(table.id, id));
  const key = `${getTableName(table)}|${given.map(([k, v]) => (v === null ? `${k}:null` : k)).join(',')}`;
  let built = updates.get(key);
  if (!built) {
    const shape = Object.fromEntries(given.map(([k, v]) => [k, v === null ? null : p(`set.${k}`)]));
    built = (builder.update(table).set(shape as Partial<T['$inferInsert']>).where(eq(table.id, p('id'))) as unknown as { prepare(name: string): Built<unknown> }).prepare(`update ${key}`);
    if (updates.size < MAX_SHAPES) updates.set(key, built);
  }
  const values: Values = { id };
  for (const [k, v] of given) if (v !== null) values[`set.${k}`] = v;
  return runOn(built, db, values);
}
