import type { ServiceContext } from '../context';
import { verifyChain } from '../engine/history';
import { loadVisibleCase } from '../cases/get';
import { history } from '../../db/schema';
import { and, asc, eq } from 'drizzle-orm';

/**
 * Reviewers and the firm itself may check that a case's history has not been altered. Others,
 * administrators included (they read no case files), get 404 for every id, known or not (SPEC §2).
 */
export async function verifyCaseHistory(ctx: ServiceContext, caseId: string) {
  await loadVisibleCase(ctx, caseId);
  return { caseId, ...(await verifyChain(ctx.app.db, 'case', caseId)) };
}

export async function caseHistoryOf(ctx: ServiceContext, caseId: string) {
  await loadVisibleCase(ctx, caseId);
  const rows = await ctx.app.db.select().from(history).where(and(eq(history.ownerKind, 'case'), eq(history.ownerId, caseId))).orderBy(asc(history.seq));
  return {
    items: rows.map((r) => ({
      seq: r.seq,
      eventType: r.eventType,
      actorId: r.actorId,
      actorRole: r.actorRole,
      at: r.at.toISOString(),
      requestId: r.requestId,
      stateBefore: r.stateBefore,
      stateAfter: r.stateAfter,
      payload: r.payload,
      hash: r.hash,
    })),
  };
}
