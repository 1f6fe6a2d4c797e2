import { eq, sql, type SQL } from 'drizzle-orm';
import type { AnyMachineSnapshot, SnapshotFrom, StateValue } from 'xstate';
import type { DbOrTx } from '../../db/client';
import { disbursementBatches } from '../../db/schema';
import { batchClocks, type BatchClockKind } from '../../workflows/batch/clocks';
import { batchMachines, type BatchEvent, type BatchMachine } from '../../workflows/batch/machine';
import { batchEvents, type BatchEventType } from '../../workflows/batch/events';
import { authorise, canSeeBatch, permitsOf, type BatchFacts } from '../../workflows/batch/permissions';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import type { Loaded, WorkflowDefinition } from '../engine/workflow';
import { batchScope, type BatchRow } from './scope';
import { cancelPayments, creationRecord, outstandingAfter, paymentIdsOf, recordSettlements, settlementProblems } from './settle';

export type LoadedBatch = Loaded<BatchRow, BatchFacts>;
type BatchSnapshot = SnapshotFrom<BatchMachine>;

// the member firms as Postgres finds them beside the row; every payment counts, cancelled ones too
const firms = (what: SQL, from: SQL = sql``) =>
  sql<string[]>`coalesce((select array_agg(distinct ${what}) from payments p join cases c on c.id = p.case_id join enterprises e on e.id = c.enterprise_id ${from} where p.batch_id = disbursement_batches.id), '{}')`;

/** The batch and its member firms (for the relation rule) in one statement; `lock` takes the batch row FOR UPDATE. */
export async function readBatch(db: DbOrTx, id: string, lock: boolean): Promise<LoadedBatch> {
  const query = db
    .select({
      row: disbursementBatches,
      firmIds: firms(sql`e.id::text`),
      firmUsccs: firms(sql`e.uscc`),
      firmAffiliations: firms(sql`a`, sql`cross join unnest(e.affiliations) a`),
    })
    .from(disbursementBatches)
    .where(eq(disbursementBatches.id, id));
  const [found] = lock ? await query.for('update', { of: disbursementBatches }) : await query;
  if (!found) throw notFound('disbursement batch');
  return { row: found.row, facts: { firmIds: found.firmIds, firmUsccs: found.firmUsccs, firmAffiliations: found.firmAffiliations } };
}

const isBatchEvent = (type: string): type is BatchEventType => Object.hasOwn(batchEvents, type);

/** The disbursement batch as the engine runs it (SPEC §4: batches "have small machines of their own"). */
export function batchWorkflow(app: AppContext): WorkflowDefinition<BatchRow, BatchFacts, BatchEvent> {
  return {
    kind: 'batch',
    noun: 'disbursement batch',
    machines: batchMachines,
    clocks: batchClocks,
    load: readBatch,
    canSee: (user) => canSeeBatch(user),
    authorise: (snapshot, user, facts, type) =>
      isBatchEvent(type)
        ? authorise(snapshot as BatchSnapshot, user, facts, type)
        : { ok: false, kind: 'forbidden', reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' } },
    systemMay: (snapshot: AnyMachineSnapshot, type) => isBatchEvent(type) && (permitsOf(snapshot as BatchSnapshot)[type]?.includes('system') ?? false),
    guardReasons: {},
    primaryState: (value: StateValue) => (typeof value === 'string' ? value : (Object.keys(value)[0] ?? 'unknown')),
    effectScope: (tx, { row }, now, actorId) => batchScope(tx, app, row, now, actorId),
    expiryEvent: (kind, meta) => ({ type: 'DEADLINE_EXPIRED', clock: kind as BatchClockKind, meta: { ...meta, role: 'system' } }),
    prepare: async (tx, { row }, event, now) => {
      const scope = { ...(await batchScope(tx, app, row, now, event.meta.actorId)), reason: 'reason' in event ? event.reason : '' };
      // the history keeps what was ordered and what was recorded, payment by payment
      if (event.type === 'CREATE') return { scope, historyExtra: await creationRecord(tx, row) };
      if (event.type !== 'SETTLE') return { scope };
      const ids = await paymentIdsOf(tx, row.id, event.payments.map((p) => p.caseId));
      return {
        scope,
        facts: { outstanding: await outstandingAfter(tx, row.id, event.payments) },
        validate: (t) => settlementProblems(t, row, event.payments, now),
        invalid: 'the payments cannot be recorded',
        historyExtra: { paymentIds: event.payments.map((p) => ids.get(p.caseId) ?? null) },
      };
    },
    persist: async (tx, row, next, event, now) => {
      if (event.type === 'SETTLE') await recordSettlements(tx, row.id, event.payments, event.meta.actorId, now);
      if (event.type === 'CANCEL') await cancelPayments(tx, row.id);
      const [updated] = await tx
        .update(disbursementBatches)
        .set({
          snapshot: { value: next.value, context: next.context },
          state: next.state,
          version: row.version + 1,
          updatedAt: now,
          ...(event.type === 'SUBMIT' ? { submittedAt: now } : {}),
          ...(event.type === 'APPROVE' ? { approvedAt: now, approvedBy: event.meta.actorId } : {}),
          ...(next.state === 'settled' ? { settledAt: now } : {}),
          ...(next.state === 'cancelled' ? { cancelledAt: now } : {}),
        })
        .where(eq(disbursementBatches.id, row.id))
        .returning();
      if (!updated) throw new Error('batch row vanished under its lock');
      return updated;
    },
  };
}
