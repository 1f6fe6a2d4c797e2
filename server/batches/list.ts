import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { disbursementBatches, users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { formatYuan } from '../domain/money';
import { notFound } from '../errors';
import { canSeeBatch } from '../../workflows/batch/permissions';
import { BATCH_STATES, type BatchState } from '../../workflows/batch/machine';

export const batchListQuerySchema = z.strictObject({
  state: z.enum(BATCH_STATES).optional(),
  roundId: z.uuid({ error: 'not a round id' }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** GET /disbursements: batches newest first, keyset-paginated on (created_at, id). */
export async function listBatches(ctx: ServiceContext, q: z.output<typeof batchListQuerySchema>) {
  if (!canSeeBatch(ctx.user)) throw notFound('disbursement batch');
  const b = disbursementBatches;
  const where: (SQL | undefined)[] = [sql`${b.state} <> 'new'`];
  if (q.state) where.push(eq(b.state, q.state));
  if (q.roundId) where.push(eq(b.roundId, q.roundId));
  if (q.cursor) where.push(afterCursor(q.cursor, b.createdAt, b.id));
  const rows = await ctx.app.db
    .select({
      batch: b,
      creator: users.name,
      cursorTime: cursorTime(b.createdAt),
      cases: sql<number>`(select count(*)::int from payments p where p.batch_id = ${b.id} and p.status <> 'cancelled')`,
      total: sql<string>`(select coalesce(sum(p.amount_fen), 0)::text from payments p where p.batch_id = ${b.id} and p.status <> 'cancelled')`,
    })
    .from(b)
    .innerJoin(users, eq(users.id, b.createdBy))
    .where(and(...where))
    .orderBy(desc(b.createdAt), desc(b.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.batch.id,
      number: r.batch.number,
      state: r.batch.state as BatchState,
      roundId: r.batch.roundId,
      city: r.batch.city,
      cases: r.cases,
      amount: formatYuan(BigInt(r.total)),
      createdBy: { id: r.batch.createdBy, name: r.creator },
      createdAt: r.batch.createdAt.toISOString(),
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorTime, id: last.batch.id }) : null,
  };
}
