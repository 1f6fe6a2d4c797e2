import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { cases } from '../../db/schema';
import type { ServiceContext } from '../context';
import { badRequest } from '../errors';
import { formatYuan } from '../domain/money';
import { visibleCases } from './visibility';

export const listQuerySchema = z.strictObject({
  state: z.string().max(40).optional(),
  roundId: z.uuid().optional(),
  city: z.string().regex(/^\d{6}$/, 'a GB/T 2260 city code, e.g. 330100').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListQuery = z.output<typeof listQuerySchema>;

// The cursor carries created_at to the microsecond, as Postgres stores it: a JavaScript Date
// keeps only milliseconds, and a rounded cursor would skip or repeat rows created within one.
interface Cursor {
  t: string;
  id: string;
}
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<Cursor> | null;
    if (typeof c?.t !== 'string' || typeof c.id !== 'string' || !CURSOR_TIME.test(c.t) || !UUID.test(c.id) || Number.isNaN(Date.parse(c.t))) throw new Error('shape');
    return { t: c.t, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  }
}

/** Newest first, keyset-paginated on (created_at, id) so deep pages cost what the first one does. */
export async function listCases(ctx: ServiceContext, q: ListQuery) {
  const where: (SQL | undefined)[] = [visibleCases(ctx.user)];
  if (q.state) where.push(eq(cases.state, q.state));
  if (q.roundId) where.push(eq(cases.roundId, q.roundId));
  if (q.city) where.push(eq(cases.city, q.city));
  if (q.cursor) {
    const c = decode(q.cursor);
    // a row comparison walks the (…, created_at, id) indexes in one range scan
    where.push(sql`(${cases.createdAt}, ${cases.id}) < (${c.t}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await ctx.app.db
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      version: cases.version,
      city: cases.city,
      roundId: cases.roundId,
      enterpriseId: cases.enterpriseId,
      material: cases.material,
      contractAmountFen: cases.contractAmountFen,
      createdAt: cases.createdAt,
      submittedAt: cases.submittedAt,
      cursorTime: sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(cases)
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ contractAmountFen, material, createdAt, submittedAt, cursorTime: _cursorTime, ...r }) => ({
      ...r,
      materialName: material.name ?? null,
      contractAmount: contractAmountFen === null ? null : formatYuan(contractAmountFen),
      createdAt: createdAt.toISOString(),
      submittedAt: submittedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit && last ? encode({ t: last.cursorTime, id: last.id }) : null,
  };
}
