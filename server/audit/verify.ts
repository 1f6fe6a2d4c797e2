import type { ServiceContext } from '../context';
import { forbidden } from '../errors';
import { verifyChain } from '../engine/history';
import { loadVisibleCase } from '../cases/get';
import { caseHistory } from '../../db/schema';
import { asc, eq } from 'drizzle-orm';

/** Reviewers and the firm itself may check that a case's history has not been altered. */
export async function verifyCaseHistory(ctx: ServiceContext, caseId: string) {
  if (ctx.user.roles.every((r) => r === 'admin')) throw forbidden('administrators do not read case files');
  await loadVisibleCase(ctx, caseId);
  return verifyChain(ctx.app.db, caseId);
}

export async function caseHistoryOf(ctx: ServiceContext, caseId: string) {
  await loadVisibleCase(ctx, caseId);
  const rows = await ctx.app.db.select().from(caseHistory).where(eq(caseHistory.caseId, caseId)).orderBy(asc(caseHistory.seq));
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
