import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { cases, claims, enterprises, insurers } from '../../db/schema';
import type { Role } from '../../db/schema/accounts';
import type { ServiceContext, User } from '../context';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { formatYuan } from '../domain/money';
import { seenInAnyRole } from '../cases/visibility';

/** The roles that see some claims (seesClaimAs in workflow.ts): the others have no claim list. */
export const CLAIM_READERS = ['firm', 'insurer', 'provincial', 'municipal'] as const satisfies readonly Role[];

export const CLAIM_STATES = ['reported', 'paid', 'denied'] as const;

export const claimsQuerySchema = z.strictObject({
  status: z.enum(CLAIM_STATES).optional().meta({ description: 'reported (awaiting the insurer), paid or denied' }),
  insurerId: z.uuid({ error: 'not an insurer id' }).toLowerCase().optional().meta({ description: "the policy's insurer, for those who see the claims of several" }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ClaimsQuery = z.output<typeof claimsQuerySchema>;

/**
 * The SQL twin of `seesClaimAs` (workflow.ts), for the list: the same rule per role — the firm its
 * own, the policy's insurer its company's, the province all, a city its firms'.
 */
function visibleClaimsAs(role: Role, user: User): SQL | undefined {
  switch (role) {
    case 'firm':
      return user.enterpriseId ? eq(cases.enterpriseId, user.enterpriseId) : undefined;
    case 'insurer':
      return user.insurerId ? eq(cases.insurerId, user.insurerId) : undefined;
    case 'provincial':
      return sql`true`;
    case 'municipal':
      return user.city ? eq(cases.city, user.city) : undefined;
    case 'expert':
    case 'finance':
    case 'admin':
      return undefined;
  }
}

export function visibleClaims(user: User): SQL {
  return seenInAnyRole(user, visibleClaimsAs);
}

/** GET /claims: the claims the caller sees, newest first, keyset-paginated on (created_at, id). */
export async function listClaims(ctx: ServiceContext, q: ClaimsQuery) {
  const where: (SQL | undefined)[] = [visibleClaims(ctx.user)];
  if (q.status) where.push(eq(claims.state, q.status));
  if (q.insurerId) where.push(eq(cases.insurerId, q.insurerId));
  if (q.cursor) where.push(afterCursor(q.cursor, claims.createdAt, claims.id));
  const rows = await ctx.app.db
    .select({
      id: claims.id,
      number: claims.number,
      caseId: claims.caseId,
      caseNumber: cases.number,
      firmName: enterprises.name,
      insurerId: cases.insurerId,
      insurerName: insurers.name,
      kind: claims.kind,
      occurredOn: claims.occurredOn,
      amountFen: claims.amountFen,
      paidFen: claims.paidFen,
      state: claims.state,
      reportedAt: claims.reportedAt,
      decidedAt: claims.decidedAt,
      t: cursorTime(claims.createdAt),
    })
    .from(claims)
    .innerJoin(cases, eq(cases.id, claims.caseId))
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .leftJoin(insurers, eq(insurers.id, cases.insurerId))
    .where(and(...where))
    .orderBy(desc(claims.createdAt), desc(claims.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ amountFen, paidFen, reportedAt, decidedAt, t: _t, ...r }) => ({
      ...r,
      amount: formatYuan(amountFen),
      paidAmount: paidFen === null ? null : formatYuan(paidFen),
      reportedAt: reportedAt.toISOString(),
      decidedAt: decidedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.t, id: last.id }) : null,
  };
}
