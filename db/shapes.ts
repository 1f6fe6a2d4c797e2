import { eq, fillPlaceholders, getTableColumns, getTableName, SQL, sql, type Placeholder } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { AnyPgColumn, PgColumn, PgTable } from 'drizzle-orm/pg-core';
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

/**
 * One write, its text and its values, not yet sent: what a transition gathers (engine/pending.ts)
 * and sends with its other writes. `key` names its shape; `touches` the rows it writes that a
 * later write of the same transition may write again (a clock, the timers of a clock).
 */
export interface Statement {
  key: string;
  text: string;
  params: unknown[];
  touches?: readonly string[];
  /** a statement of its own (one with a WITH of its own, which cannot be a part of another's) */
  alone?: boolean;
}

function statementOf(built: Built<unknown> & { queryString?: string; params?: unknown[] }, key: string, values: Values, touches?: readonly string[]): Statement {
  return { key, text: built.queryString ?? '', params: fillPlaceholders(built.params ?? [], values), ...(touches ? { touches } : {}) };
}

/** A drizzle query as a statement, for the shapes not built once (its text is its key). */
export function drizzleStatement(query: { toSQL(): { sql: string; params: unknown[] } }, touches?: readonly string[]): Statement {
  const { sql: text, params } = query.toSQL();
  return { key: text, text, params, ...(touches ? { touches } : {}) };
}

/** A shaped statement (see `shaped`) as a statement to gather rather than run. */
export function shapedStatement<V extends Record<string, unknown>>(name: string, build: (b: Builder) => { prepare(name: string): Built<unknown> }): (values: V, touches?: readonly string[]) => Statement {
  let built: Built<unknown> | undefined;
  return (values, touches) => statementOf((built ??= build(builder).prepare(name)), `shaped ${name}`, values, touches);
}

// a shape per table, the columns each row gives (and which of them are null) and the number of
// rows: the inserts of a transition are a few rows each, of a handful of column sets; many rows at
// once go through drizzle as usual
const MAX_SHAPED_ROWS = 32;
const MAX_SHAPES = 2000;
const inserts = new Map<string, Built<unknown>>();

type Values = Record<string, unknown>;

/**
 * `insert into table values rows` with its text built once per shape. A column a row leaves out
 * (or gives as undefined) gets its default, as drizzle gives it; a null is written as a null, never
 * through the column's encoder (which would make a JSON column's null the JSON value `null`). Rows
 * holding SQL expressions, and many rows at once, are built by drizzle as usual.
 */
export function insertStatement<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][], touches?: readonly string[]): Statement {
  const columns = getTableColumns(table);
  const given = rows.map((row) => Object.entries(row as Values).filter(([k, v]) => v !== undefined && k in columns));
  if (rows.length > MAX_SHAPED_ROWS || given.some((g) => g.some(([, v]) => v instanceof SQL))) return drizzleStatement(builder.insert(table).values(rows as T['$inferInsert'][]), touches);
  const key = `insert ${getTableName(table)}|${given.map((g) => g.map(([k, v]) => (v === null ? `${k}:null` : k)).join(',')).join('|')}`;
  let built = inserts.get(key);
  if (!built) {
    const shapes = given.map((g, i) => Object.fromEntries(g.map(([k, v]) => [k, v === null ? null : p(`${i}.${k}`)])));
    built = (builder.insert(table).values(shapes as T['$inferInsert'][]) as unknown as { prepare(name: string): Built<unknown> }).prepare(key);
    if (inserts.size < MAX_SHAPES) inserts.set(key, built);
  }
  const values: Values = {};
  given.forEach((g, i) => {
    for (const [k, v] of g) if (v !== null) values[`${i}.${k}`] = v;
  });
  return statementOf(built, key, values, touches);
}

/** `db.insert(table).values(rows)`, built once per shape (insertStatement). */
export function insertRows<T extends PgTable>(db: DbOrTx, table: T, rows: readonly T['$inferInsert'][]): Promise<unknown> {
  return rows.length === 0 ? Promise.resolve() : runStatements(db, [insertStatement(table, rows)]);
}

const updates = new Map<string, Built<unknown>>();

/**
 * `update table set … where id = …` with its text built once per table and set of columns (nulls
 * written as nulls, as in insertStatement).
 */
export function updateStatement<T extends PgTable & { id: AnyPgColumn }>(table: T, id: string, set: Partial<T['$inferInsert']>, touches?: readonly string[]): Statement {
  const columns = getTableColumns(table);
  const given = Object.entries(set as Values).filter(([k, v]) => v !== undefined && k in columns);
  if (given.length === 0 || given.some(([, v]) => v instanceof SQL)) return drizzleStatement(builder.update(table).set(set).where(eq(table.id, id)), touches);
  const key = `update ${getTableName(table)}|${given.map(([k, v]) => (v === null ? `${k}:null` : k)).join(',')}`;
  let built = updates.get(key);
  if (!built) {
    const shape = Object.fromEntries(given.map(([k, v]) => [k, v === null ? null : p(`set.${k}`)]));
    built = (builder.update(table).set(shape as Partial<T['$inferInsert']>).where(eq(table.id, p('id'))) as unknown as { prepare(name: string): Built<unknown> }).prepare(key);
    if (updates.size < MAX_SHAPES) updates.set(key, built);
  }
  const values: Values = { id };
  for (const [k, v] of given) if (v !== null) values[`set.${k}`] = v;
  return statementOf(built, key, values, touches);
}

/** `db.update(table).set(set).where(eq(table.id, id))`, built once per shape (updateStatement). */
export function updateById<T extends PgTable & { id: AnyPgColumn }>(db: DbOrTx, table: T, id: string, set: Partial<T['$inferInsert']>): Promise<unknown> {
  return runStatements(db, [updateStatement(table, id, set)]);
}

// a statement carries at most 65,534 parameters; joined writes stay well under it
const MAX_JOINED_PARAMS = 30_000;

// the texts of the statements made of several writes, by the shapes they join
const joined = new Map<string, string>();

interface Sendable {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): PromiseLike<unknown> & { execute(): unknown };
}

/**
 * Sends writes, in their order, as few statements as they can be: consecutive writes join into one
 * statement, each a part of its WITH (PostgreSQL runs every part, once, to completion; foreign keys
 * are checked at its end, so a row may refer to one inserted by an earlier part). All parts see the
 * database as it was before the statement, so a write that touches a row an earlier write of the
 * group touched (a clock started, then changed; timers armed, then cancelled) starts the next
 * statement. Each statement is sent at once, in order, on the handle's connection, and all are
 * waited for together: a transition's writes cost one round trip and, for the server, one
 * statement instead of a dozen.
 */
export function runStatements(db: DbOrTx, statements: readonly Statement[]): Promise<void> {
  const groups: Statement[][] = [];
  let group: Statement[] = [];
  let touched = new Set<string>();
  let params = 0;
  for (const st of statements) {
    // (and where the joined statement would pass the protocol's limit on parameters)
    if (st.alone || group[0]?.alone || st.touches?.some((t) => touched.has(t)) || params + st.params.length > MAX_JOINED_PARAMS) {
      groups.push(group);
      group = [];
      touched = new Set();
      params = 0;
    }
    params += st.params.length;
    group.push(st);
    for (const t of st.touches ?? []) touched.add(t);
  }
  groups.push(group);
  const client = (db as unknown as HasClient).session.client as Sendable;
  const sent = groups.filter((g) => g.length > 0).map((g) => {
    const { text, params } = join(g);
    // executed now, so that the statements reach the connection in this order
    const query = client.unsafe(text, params, { prepare: true });
    query.execute();
    return query;
  });
  return Promise.all(sent).then(() => undefined);
}

function join(group: readonly Statement[]): { text: string; params: unknown[] } {
  const [only] = group;
  if (group.length === 1 && only) return { text: only.text, params: only.params };
  const key = group.map((st) => st.key).join('\n');
  let text = joined.get(key);
  if (text === undefined) {
    let offset = 0;
    const parts = group.map((st, i) => {
      const shifted = st.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      offset += st.params.length;
      return `w${i} as (${shifted})`;
    });
    text = `with ${parts.join(', ')} select 1`;
    // a text built from a statement that is its own key (not built once) is not kept
    if (joined.size < MAX_SHAPES && group.every((st) => st.key !== st.text)) joined.set(key, text);
  }
  return { text, params: group.flatMap((st) => st.params) };
}

// rows of insertManyRows to a statement
const MANY_CHUNK = 1000;

/**
 * Rows inserted as drizzle's `insert(table).values(rows)` inserts them — a column a row leaves
 * undefined takes its default, null is NULL, each value mapped as its column maps it — but sent as
 * one jsonb parameter per statement (`insert … select … from jsonb_to_recordset`) instead of one
 * parameter per value: building and binding a thousand rows' parameters cost more than the rows.
 * Rows in the order given; consecutive rows that set the same columns go together, a thousand at most.
 * For thousands of rows (engine/batched-writes.ts, a reduction's adjustments); a transition's few
 * rows go through insertStatement.
 */
export async function insertManyRows(tx: DbOrTx, table: PgTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const all = Object.keys(columns);
  // which columns a row sets, as one string per row
  const shapeOf = (row: Record<string, unknown>) => {
    let shape = '';
    for (const k of all) shape += row[k] === undefined ? '0' : '1';
    return shape;
  };
  for (let i = 0; i < rows.length; ) {
    const shape = shapeOf(rows[i] as Record<string, unknown>);
    let j = i + 1;
    while (j < rows.length && j - i < MANY_CHUNK && shapeOf(rows[j] as Record<string, unknown>) === shape) j++;
    const keys = all.filter((_, n) => shape[n] === '1');
    const cols = keys.map((k) => columns[k] as PgColumn);
    const json = rows.slice(i, j).map((row) => {
      const out: Record<string, unknown> = {};
      keys.forEach((k, n) => {
        out[(cols[n] as PgColumn).name] = driverJson(cols[n] as PgColumn, row[k]);
      });
      return out;
    });
    const names = sql.join(
      cols.map((c) => sql.identifier(c.name)),
      sql`, `,
    );
    const types = sql.join(
      cols.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(recordType(c))}`),
      sql`, `,
    );
    await tx.execute(sql`insert into ${table} (${names}) select ${names} from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as v(${types})`);
    i = j;
  }
}

// a serial column's type, in a column definition list, is its integer type
const recordType = (c: PgColumn) => ({ smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' })[c.getSQLType()] ?? c.getSQLType();

// a value as its column sends it to the database, as JSON: a json column's value as it is
function driverJson(column: PgColumn, value: unknown): unknown {
  if (value === null) return null;
  if (column.dataType === 'json') return value;
  const mapped: unknown = column.mapToDriverValue(value);
  // what the driver itself would turn into text (bigint, a Date left as it is) goes as that text
  if (typeof mapped === 'bigint') return mapped.toString();
  if (mapped instanceof Date) return mapped.toISOString();
  return mapped;
}
