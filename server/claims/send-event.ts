import type { ClaimEvent } from '../../workflows/claim/machine';
import type { ServiceContext } from '../context';
import { formatYuan } from '../domain/money';
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
    return { id: row.id, state: row.state, version: row.version, allowedEvents: allowedClaimEvents(snapshot, ctx.user, facts) };
  });
}
