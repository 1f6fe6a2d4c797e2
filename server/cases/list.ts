import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { cases } from '../../db/schema';
import type { ServiceContext } from '../context';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { formatYuan } from '../domain/money';
import { visibleCases } from './visibility';

// the insurance region runs beside the review (SPEC §4): a case is approved when both are done
export const INSURANCE_STATES = ['pendingVerification', 'mismatch', 'verified'] as const;
const insuranceState = sql<(typeof INSURANCE_STATES)[number] | null>`${cases.snapshot}->'value'->'inReview'->>'insurance'`;

export const listQuerySchema = z.strictObject({
  state: z.string().max(40).optional(),
  insurance: z.enum(INSURANCE_STATES).optional().meta({ description: "the insurance region's state, for cases in review" }),
  roundId: z.uuid().optional(),
  city: z.string().regex(/^\d{6}$/, 'a GB/T 2260 city code, e.g. 330100').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListQuery = z.output<typeof listQuerySchema>;

/** Newest first, keyset-paginated on (created_at, id) so deep pages cost what the first one does. */
export async function listCases(ctx: ServiceContext, q: ListQuery) {
  const where: (SQL | undefined)[] = [visibleCases(ctx.user)];
  if (q.state) where.push(eq(cases.state, q.state));
  if (q.insurance) where.push(sql`${insuranceState} = ${q.insurance}`);
  if (q.roundId) where.push(eq(cases.roundId, q.roundId));
  if (q.city) where.push(eq(cases.city, q.city));
  if (q.cursor) where.push(afterCursor(q.cursor, cases.createdAt, cases.id));
  const rows = await ctx.app.db
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      insurance: insuranceState,
      version: cases.version,
      city: cases.city,
      roundId: cases.roundId,
      enterpriseId: cases.enterpriseId,
      material: cases.material,
      contractAmountFen: cases.contractAmountFen,
      createdAt: cases.createdAt,
      submittedAt: cases.submittedAt,
      cursorTime: cursorTime(cases.createdAt),
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
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorTime, id: last.id }) : null,
  };
}
