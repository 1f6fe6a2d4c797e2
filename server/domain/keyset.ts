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
}
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<Cursor> | null;
    if (typeof c?.t !== 'string' || typeof c.id !== 'string' || !CURSOR_TIME.test(c.t) || !UUID.test(c.id) || Number.isNaN(Date.parse(c.t))) throw new Error('shape');
    return { t: c.t, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);
  }
}

/** The column's instant to the microsecond, in the cursor's format: select it beside the row. */
export const cursorTime = (createdAt: PgColumn) => sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after the cursor's, newest first; a row comparison walks a (…, created_at, id) index in one range scan. */
export function afterCursor(cursor: string, createdAt: PgColumn, id: PgColumn): SQL {
  const c = decodeCursor(cursor);
  return sql`(${createdAt}, ${id}) < (${c.t}::timestamptz, ${c.id}::uuid)`;
}
