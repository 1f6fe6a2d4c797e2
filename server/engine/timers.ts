import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import { clockEvents, clocks, timers } from '../../db/schema';
import type { AppContext } from '../context';
import type { Tx } from '../../db/client';
import { AppError } from '../errors';
import { notify } from './notify';
import { applyEvent } from './transition';
import { bullJob } from '../jobs/registry';
import { workflowFor } from '../workflows';
import type { Loaded, WorkflowRow } from './workflow';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';

const labelOf = (spec: ClockKindSpec) => `${spec.label.zh} (${spec.label.en})`;

/**
 * Fires one timer if it is due and still armed, for whatever owns it. Safe to call any number of
 * times from any process: the row lock (SKIP LOCKED) and `fired_at` make the second call a no-op.
 */
export async function fireTimer(app: AppContext, timerId: string): Promise<boolean> {
  return app.db.transaction(async (tx) => {
    const now = app.clock.now();
    const [armed] = await tx.select({ ownerKind: timers.ownerKind, ownerId: timers.ownerId }).from(timers).where(eq(timers.id, timerId));
    if (!armed) return false;
    const workflow = workflowFor(app, armed.ownerKind);
    // Owner first, then timer: the order a transition takes them in, so the two never deadlock.
    const loaded = await workflow.load(tx, armed.ownerId, true);
    const [timer] = await tx
      .select()
      .from(timers)
      .where(and(eq(timers.id, timerId), isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, now)))
      .for('update', { skipLocked: true });
    if (!timer) return false;
    await tx.update(timers).set({ firedAt: now }).where(eq(timers.id, timer.id));
    const [clock] = await tx.select().from(clocks).where(eq(clocks.id, timer.clockId));
    if (!clock || clock.status !== 'running') return true;
    const spec = Object.hasOwn(workflow.clocks, clock.kind) ? workflow.clocks[clock.kind] : undefined;
    if (!spec) throw new Error(`clock ${clock.id} is of kind ${clock.kind}, which its ${armed.ownerKind} workflow does not declare`);
    const scope = await workflow.effectScope(tx, loaded, now, null);
    if (timer.purpose === 'reminder') {
      await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'remind', at: now, data: timer.data });
      await notify(scope, { template: spec.mail?.reminder ?? 'clock.reminder', to: spec.remind, assigneeId: clock.assigneeId, reason: labelOf(spec), dueOn: clock.dueOn });
      return true;
    }
    await tx.update(clocks).set({ status: 'expired', overdue: true }).where(eq(clocks.id, clock.id));
    await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'expire', at: now, data: {} });
    if (spec.onExpiry === 'overdue') {
      await notify(scope, { template: spec.mail?.overdue ?? 'clock.overdue', to: spec.escalate, assigneeId: clock.assigneeId, reason: labelOf(spec), dueOn: clock.dueOn });
      return true;
    }
    await expire(app, tx, armed.ownerKind, loaded, clock.kind, now);
    return true;
  });
}

async function expire(app: AppContext, tx: Tx, ownerKind: Parameters<typeof workflowFor>[1], locked: Loaded<WorkflowRow, unknown>, kind: string, now: Date) {
  const workflow = workflowFor(app, ownerKind);
  try {
    // a savepoint: an owner that has moved on refuses the event without spoiling the timer's transaction
    await tx.transaction((sp) =>
      applyEvent(sp, app, workflow, {
        id: locked.row.id,
        locked,
        user: null,
        requestId: null,
        event: workflow.expiryEvent(kind, { at: now.toISOString(), actorId: null, role: 'system' }),
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    app.log.info({ ownerKind, ownerId: locked.row.id, kind, reason: err.message }, 'expired clock no longer applies to its owner');
  }
}

/** The net under BullMQ (SPEC §8): fires every due timer, whatever happened to its delayed job. */
export async function sweepDue(app: AppContext, limit = 500): Promise<number> {
  const due = await app.db
    .select({ id: timers.id })
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, app.clock.now())))
    .orderBy(asc(timers.fireAt))
    .limit(limit);
  let fired = 0;
  for (const t of due) if (await fireTimer(app, t.id)) fired++;
  return fired;
}

/** Re-adds delayed jobs for armed timers of the coming hour: after a Redis flush they come back. */
export async function rearmSoon(app: AppContext, horizonMs = 3_600_000): Promise<number> {
  const now = app.clock.now();
  const soon = await app.db
    .select({ id: timers.id, fireAt: timers.fireAt })
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), gt(timers.fireAt, now), lte(timers.fireAt, new Date(now.getTime() + horizonMs))));
  if (soon.length === 0) return 0;
  await app.queues.deadlines.addBulk(soon.map((t) => bullJob('timer', { timerId: t.id, fireAt: t.fireAt.toISOString() }, now)));
  return soon.length;
}
