import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { badRequest } from '../errors';

// Keyset pagination of the lists, newest first on (created_at, id), so deep pages cost what the
// first one does. The cursor carries created_at to the microsecond, as Postgres stores it: a
// JavaScript Date keeps only milliseconds, and a rounded cursor would skip or repeat rows created
// within one.

interface Cursor {
  t: string;
  id: string;
  /** the order, for a list read oldest first (absent: newest first) */
  s?: string;
}
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether an instant written as the cursors write it (YYYY-MM-DDTHH:MM:SS, fractions, Z) names a
 * moment of the calendar. Date.parse rolls 30 February over into March and Postgres refuses it, so
 * each field is checked by writing the date back: a cursor this server gave out always passes.
 */
export function isCalendarInstant(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC reads years 0–99 as 1900–1999; no cursor of ours is older than the programme
  return year >= 1970 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A cursor of the list in the order `order` (undefined: newest first); one of another order is refused. */
export function decodeCursor(s: string, order?: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<Cursor> | null;
    if (typeof c?.t !== 'string' || typeof c.id !== 'string' || !CURSOR_TIME.test(c.t) || !UUID.test(c.id) || !isCalendarInstant(c.t)) throw new Error('shape');
    if (c.s !== order) throw new Error('order');
    return { t: c.t, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);
  }
}

/** The column's instant to the microsecond, in the cursor's format: select it beside the row. */
export const cursorTime = (createdAt: PgColumn) => sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Rows after the cursor's, newest first (or oldest first when asked); a row comparison walks a
 * (…, created_at, id) index in one range scan.
 */
export function afterCursor(cursor: string, createdAt: PgColumn, id: PgColumn, order: 'newest' | 'ascending' = 'newest'): SQL {
  if (order === 'ascending') {
    const c = decodeCursor(cursor, 'created');
    return sql`(${createdAt}, ${id}) > (${c.t}::timestamptz, ${c.id}::uuid)`;
  }
  const c = decodeCursor(cursor);
  return sql`(${createdAt}, ${id}) < (${c.t}::timestamptz, ${c.id}::uuid)`;
}
