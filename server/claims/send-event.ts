import { and, eq, sql, sum } from 'drizzle-orm';
import { cases, claims } from '../../db/schema';
import type { Tx } from '../../db/client';
import type { ClaimEvent } from '../../workflows/claim/machine';
import type { ServiceContext } from '../context';
import { formatYuan } from '../domain/money';
import { unprocessable } from '../errors';
import { applyEvent } from '../engine/transition';
import type { ClaimEventBody } from './body';
import { allowedClaimEvents, claimWorkflow } from './workflow';

/**
 * POST /claims/:id/events: the insurer's decision, through the engine — the claim row locked, the
 * sender authorised by the state's `may` and the policy's insurer, history and emails written with
 * it. A second decision finds a final state and is refused (409).
 */
export async function sendClaimEvent(ctx: ServiceContext, claimId: string, body: ClaimEventBody) {
  const now = ctx.app.clock.now();
  const meta = { at: now.toISOString(), actorId: ctx.user.id, role: 'insurer' as const };
  const event: ClaimEvent = body.type === 'PAY' ? { type: 'PAY', amount: formatYuan(body.amount), reference: body.reference, meta } : { type: 'DENY', reason: body.reason, meta };
  return ctx.app.db.transaction(async (tx) => {
    const { row, snapshot, facts } = await applyEvent(tx, ctx.app, claimWorkflow(ctx.app), { id: claimId, event, user: ctx.user, requestId: ctx.requestId });
    if (row.state === 'paid' && row.paidFen !== null) await assertWithinLimit(tx, row.caseId, row.paidFen);
    return { id: row.id, state: row.state, version: row.version, allowedEvents: allowedClaimEvents(snapshot, ctx.user, facts) };
  });
}

/**
 * What the insurer pays on all the claims of a policy together stays within the policy's liability
 * limit. Checked after the payment is written, in its transaction, so that a person who may not
 * decide the claim learns nothing of the limit; a lock per case makes two payments under one
 * policy count each other (the second reads the first once it has committed); an excess rolls the
 * payment back.
 */
async function assertWithinLimit(tx: Tx, caseId: string, amountFen: bigint): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`claim-limit:${caseId}`}, 0))`);
  const [limit] = await tx.select({ fen: cases.liabilityLimitFen }).from(cases).where(eq(cases.id, caseId));
  const [paid] = await tx
    .select({ fen: sql<string | null>`${sum(claims.paidFen)}` })
    .from(claims)
    .where(and(eq(claims.caseId, caseId), eq(claims.state, 'paid')));
  const limitFen = limit?.fen ?? null;
  const paidFen = BigInt(paid?.fen ?? 0);
  if (limitFen === null || paidFen <= limitFen) return;
  const before = limitFen - (paidFen - amountFen);
  const left = formatYuan(before > 0n ? before : 0n);
  throw unprocessable('the claims paid under this policy would exceed its liability limit', [
    {
      path: 'amount',
      message: `more than the policy's liability limit leaves: ${left} yuan of ${formatYuan(limitFen)} yuan are left after the claims already paid`,
      messageZh: `超过保单赔偿限额的剩余额度：赔偿限额 ${formatYuan(limitFen)} 元，扣除已赔付金额后剩余 ${left} 元`,
      code: 'claim.overLimit',
    },
  ]);
}
