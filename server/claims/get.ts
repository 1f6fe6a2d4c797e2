import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { AnyStateMachine } from 'xstate';
import { claims } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import type { ServiceContext } from '../context';
import { forbidden, notFound } from '../errors';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { machineOf } from '../engine/transition';
import { loadVisibleCase } from '../cases/get';
import { claimMachines } from '../../workflows/claim/machine';
import { allowedClaimEvents, canSeeClaim, readClaim, type LoadedClaim } from './workflow';
import { claimView } from './present';
import type { ClaimFacts, ClaimRow } from './scope';
import { z } from 'zod';

/** Loads a claim the caller may see, or answers 404 — never 403, so ids cannot be probed. */
export async function loadVisibleClaim(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false): Promise<LoadedClaim> {
  const loaded = await readClaim(db, id, lock);
  if (!canSeeClaim(ctx.user, loaded.facts)) throw notFound('claim');
  return loaded;
}

function present(ctx: ServiceContext, row: ClaimRow, facts: ClaimFacts) {
  const snapshot = machineOf({ machines: claimMachines }, row).resolveState(row.snapshot as Parameters<AnyStateMachine['resolveState']>[0]);
  return claimView(row, facts, allowedClaimEvents(snapshot, ctx.user, facts));
}

/** GET /claims/:id, with the events the caller may send now. */
export async function getClaim(ctx: ServiceContext, id: string) {
  const { row, facts } = await loadVisibleClaim(ctx, id);
  return present(ctx, row, facts);
}

export const claimListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/**
 * What the claims of a case share, for one who sees them: 404 for a case the caller does not see;
 * 403 for one they see in a role that sees no claims (an expert on its panel).
 */
export async function caseClaimFacts(ctx: ServiceContext, caseId: string): Promise<ClaimFacts> {
  const { row: c, facts: caseFacts } = await loadVisibleCase(ctx, caseId);
  const facts = { caseId, caseNumber: c.number, enterpriseId: c.enterpriseId, firmName: caseFacts.firmName, city: c.city, insurerId: c.insurerId, materialName: c.material.name ?? '' };
  if (!canSeeClaim(ctx.user, facts)) throw forbidden('your role does not see the claims of this application (您的角色无权查看此申请的理赔)');
  return facts;
}

/**
 * GET /cases/:id/claims: 404 for a case the caller does not see; 403 for one they see in a role
 * that sees no claims (an expert on its panel).
 */
export async function listCaseClaims(ctx: ServiceContext, caseId: string, q: z.output<typeof claimListQuerySchema>) {
  const facts = await caseClaimFacts(ctx, caseId);
  const where: SQL[] = [eq(claims.caseId, caseId)];
  if (q.cursor) where.push(afterCursor(q.cursor, claims.createdAt, claims.id));
  const rows = await ctx.app.db
    .select({ row: claims, t: cursorTime(claims.createdAt) })
    .from(claims)
    .where(and(...where))
    .orderBy(desc(claims.createdAt), desc(claims.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => present(ctx, r.row, facts)),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.t, id: last.row.id }) : null,
  };
}
