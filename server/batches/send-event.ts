import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { payments } from '../../db/schema';
import type { BatchEvent } from '../../workflows/batch/machine';
import type { CaseEvent } from '../../workflows/case/types';
import type { ServiceContext } from '../context';
import { applyEvent } from '../engine/transition';
import { tellCases } from '../cases/system-events';
import { batchWorkflow } from './workflow';
import { loadVisibleBatch, presentBatch } from './get';
import { livePaymentRace } from './create';
import { paymentIdsOf } from './settle';
import type { BatchEventBody } from './body';
import type { BatchRow } from './scope';

/**
 * POST /disbursements/:id/events (SPEC §7). The batch's transition and what its cases hear of it
 * happen in one transaction, the batch locked first and then its cases in id order: approval sends
 * BATCH_APPROVED to each, cancellation UNBATCHED, and each recorded payment PAID or PAYMENT_FAILED.
 * Only the batch moves a case's money (the case takes these events from the system alone), but the
 * case's history names the finance user whose act on the batch it was.
 */
export async function sendBatchEvent(ctx: ServiceContext, batchId: string, body: BatchEventBody, opts: { ifMatch?: number }) {
  return ctx.app.db
    .transaction(async (tx) => {
      const locked = await loadVisibleBatch(ctx, batchId, tx, true);
      const now = ctx.app.clock.now();
      const meta = { at: now.toISOString(), actorId: ctx.user.id, role: 'finance' as const };
      const event = { ...body, meta } as BatchEvent;
      const applied = await applyEvent(tx, ctx.app, batchWorkflow(ctx.app), { id: batchId, locked, event, user: ctx.user, requestId: ctx.requestId, ifMatch: opts.ifMatch });
      await tellMembers(tx, ctx, applied.row, body, meta.at, { id: ctx.user.id, role: applied.role });
      return presentBatch(tx, ctx, applied.row, applied.snapshot, applied.facts);
    })
    .catch(livePaymentRace);
}

async function tellMembers(tx: Tx, ctx: ServiceContext, batch: BatchRow, body: BatchEventBody, at: string, causedBy: { id: string; role: string }): Promise<void> {
  const meta = { at, actorId: null, role: 'system' as const };
  const told: { caseId: string; event: CaseEvent }[] = [];
  if (body.type === 'APPROVE' || body.type === 'CANCEL') {
    const type = body.type === 'APPROVE' ? 'BATCH_APPROVED' : 'UNBATCHED';
    for (const { caseId } of await membersOf(tx, batch.id)) told.push({ caseId, event: { type, batchId: batch.id, meta } });
  }
  if (body.type === 'SETTLE') {
    const ids = await paymentIdsOf(tx, batch.id, body.payments.map((p) => p.caseId));
    for (const s of body.payments) {
      const paymentId = ids.get(s.caseId) ?? '';
      const event: CaseEvent =
        s.failure !== undefined
          ? { type: 'PAYMENT_FAILED', batchId: batch.id, paymentId, failure: s.failure, meta }
          : { type: 'PAID', batchId: batch.id, paymentId, reference: s.reference ?? '', paidOn: s.paidOn ?? '', meta };
      told.push({ caseId: s.caseId, event });
    }
  }
  // in id order, the order every multi-row lock in the engine takes
  await tellCases(tx, ctx.app, ctx.requestId, told, causedBy);
}

async function membersOf(tx: Tx, batchId: string) {
  return tx.select({ caseId: payments.caseId }).from(payments).where(eq(payments.batchId, batchId)).orderBy(asc(payments.caseId));
}
