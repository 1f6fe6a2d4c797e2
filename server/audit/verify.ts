import type { ServiceContext } from '../context';
import { verifyChain } from '../engine/history';
import { loadVisibleCase } from '../cases/get';
import { history } from '../../db/schema';
import { and, asc, eq } from 'drizzle-orm';
import type { OwnerKind } from '../../db/schema';
import { readNotice } from '../notices/workflow';
import { loadVisibleClaim } from '../claims/get';
import { notFound } from '../errors';
import { historyFor } from '../cases/history-view';
import { contextOf } from '../../workflows/case/expert-guards';
import { loadVisibleBatch } from '../batches/get';
import { withKnownActors } from './actors';

/**
 * Reviewers and the firm itself may check that a case's history has not been altered. Others,
 * administrators included (they read no case files), get 404 for every id, known or not (SPEC §2).
 */
export async function verifyCaseHistory(ctx: ServiceContext, caseId: string) {
  await loadVisibleCase(ctx, caseId);
  return { caseId, ...(await verifyChain(ctx.app.db, 'case', caseId)) };
}

/** A notice's chain: provincial reviewers, who publish notices, check it; others get 404. */
export async function verifyNoticeHistory(ctx: ServiceContext, noticeId: string) {
  await loadVisibleNotice(ctx, noticeId);
  return { noticeId, ...(await verifyChain(ctx.app.db, 'notice', noticeId)) };
}

/** A claim's chain: whoever sees the claim (its firm, the policy's insurer, the reviewers); others get 404. */
export async function verifyClaimHistory(ctx: ServiceContext, claimId: string) {
  await loadVisibleClaim(ctx, claimId);
  return { claimId, ...(await verifyChain(ctx.app.db, 'claim', claimId)) };
}

/** A disbursement batch's chain: finance and provincial reviewers check it; others get 404. */
export async function verifyBatchHistory(ctx: ServiceContext, batchId: string) {
  await loadVisibleBatch(ctx, batchId);
  return { batchId, ...(await verifyChain(ctx.app.db, 'batch', batchId)) };
}

/** GET /disbursements/:id/history: its creation, submission, approval, returns and each settlement, oldest first. */
export async function batchHistoryOf(ctx: ServiceContext, batchId: string) {
  await loadVisibleBatch(ctx, batchId);
  return historyOf(ctx, 'batch', batchId);
}

export async function caseHistoryOf(ctx: ServiceContext, caseId: string) {
  const { row } = await loadVisibleCase(ctx, caseId);
  // the expert review's own rule first (it reads who each expert is, to give their letter)
  return historyOf(ctx, 'case', caseId, (items) => historyFor(items, contextOf(row.snapshot), ctx.user));
}

/** GET /notices/:id/history: its publication and its closing, oldest first. */
export async function noticeHistoryOf(ctx: ServiceContext, noticeId: string) {
  await loadVisibleNotice(ctx, noticeId);
  return historyOf(ctx, 'notice', noticeId);
}

/** GET /claims/:id/history: its report, its documents and its decision, oldest first. */
export async function claimHistoryOf(ctx: ServiceContext, claimId: string) {
  await loadVisibleClaim(ctx, claimId);
  return historyOf(ctx, 'claim', claimId);
}

async function loadVisibleNotice(ctx: ServiceContext, noticeId: string) {
  const { row } = await readNotice(ctx.app.db, noticeId, false);
  if (!ctx.user.roles.includes('provincial') || row.state === 'new') throw notFound('notice');
}

async function historyOf<E extends HistoryItem = HistoryItem>(ctx: ServiceContext, kind: OwnerKind, id: string, view: (items: HistoryItem[]) => E[] = (items) => items as E[]) {
  const rows = await ctx.app.db.select().from(history).where(and(eq(history.ownerKind, kind), eq(history.ownerId, id))).orderBy(asc(history.seq));
  // each entry keeps its role; the person behind it only for a reader who may know them (the API
  // answers the items; a page names the actors too)
  return withKnownActors(ctx.app.db, ctx.user, view(rows.map(itemOf)));
}

type HistoryItem = ReturnType<typeof itemOf>;
function itemOf(r: typeof history.$inferSelect) {
  return {
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
  };
}
