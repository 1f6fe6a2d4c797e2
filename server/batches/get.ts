import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { SnapshotFrom } from 'xstate';
import type { DbOrTx } from '../../db/client';
import { cases, clocks, payments, users } from '../../db/schema';
import { batchMachines, type BatchMachine } from '../../workflows/batch/machine';
import { allowedBatchEvents, canSeeBatch, refusedBatchEvents, type BatchFacts } from '../../workflows/batch/permissions';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';
import { machineOf } from '../engine/transition';
import { readBatch } from './workflow';
import { batchView } from './present';
import type { BatchRow } from './scope';

/** A batch the caller may read (finance, provincial), or 404. */
export async function loadVisibleBatch(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false) {
  if (!canSeeBatch(ctx.user)) throw notFound('disbursement batch');
  const loaded = await readBatch(db, id, lock);
  // a batch exists for others from its first event on
  if (loaded.row.state === 'new') throw notFound('disbursement batch');
  return loaded;
}

export async function getBatch(ctx: ServiceContext, id: string) {
  const { row, facts } = await loadVisibleBatch(ctx, id);
  return presentBatch(ctx.app.db, ctx, row, undefined, facts);
}

/** The batch as getBatch answers it, and the events its state would take from the caller's role that the four-eyes or relation rule refuses them, with why. */
export async function getBatchWithRefusals(ctx: ServiceContext, id: string) {
  const { row, facts } = await loadVisibleBatch(ctx, id);
  const view = await presentBatch(ctx.app.db, ctx, row, undefined, facts);
  return { view, refused: refusedBatchEvents(snapshotOf(row), ctx.user, facts) };
}

const snapshotOf = (row: BatchRow) => (machineOf({ machines: batchMachines }, row) as BatchMachine).resolveState(row.snapshot as Parameters<BatchMachine['resolveState']>[0]);

/** The batch as finance and its overseers see it: every payment, the totals, the payment deadline, what the caller may send now. */
export async function presentBatch(db: DbOrTx, ctx: ServiceContext, row: BatchRow, snapshot: SnapshotFrom<BatchMachine> | undefined, facts: BatchFacts) {
  const rows = await db
    .select({ payment: payments, caseNumber: cases.number })
    .from(payments)
    .innerJoin(cases, eq(cases.id, payments.caseId))
    .where(eq(payments.batchId, row.id))
    .orderBy(asc(payments.seq));
  const people = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, [row.createdBy, ...(row.approvedBy ? [row.approvedBy] : [])]));
  const [clock] = await db
    .select({ dueOn: clocks.dueOn, overdue: clocks.overdue })
    .from(clocks)
    .where(and(eq(clocks.ownerId, row.id), eq(clocks.kind, 'payment')))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  const current = snapshot ?? snapshotOf(row);
  const allowed = allowedBatchEvents(current, ctx.user, facts, ctx.app.clock.now().toISOString());
  return batchView(row, rows, people, clock ?? null, allowed);
}
