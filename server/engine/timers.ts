import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import { clockEvents, clocks, rounds, timers } from '../../db/schema';
import type { ClockKind } from '../../workflows/case/types';
import type { AppContext } from '../context';
import type { Tx } from '../../db/client';
import { AppError } from '../errors';
import { clockKinds } from './clock-kinds';
import { notify } from './notify';
import { caseScope } from '../cases/scope';
import { applyEvent } from './transition';
import { caseWorkflow, readCase, type LoadedCase } from '../cases/workflow';
import { bullJob } from '../jobs/registry';

const labelOf = (kind: ClockKind) => `${clockKinds[kind].label.zh} (${clockKinds[kind].label.en})`;

/**
 * Fires one timer if it is due and still armed. Safe to call any number of times from any
 * process: the row lock (SKIP LOCKED) and `fired_at` make the second call a no-op.
 */
export async function fireTimer(app: AppContext, timerId: string): Promise<boolean> {
  return app.db.transaction(async (tx) => {
    const now = app.clock.now();
    const [armed] = await tx.select({ caseId: timers.ownerId }).from(timers).where(eq(timers.id, timerId));
    if (!armed) return false;
    // Case first, then timer: the order a transition takes them in, so the two never deadlock.
    const locked = await readCase(tx, armed.caseId, true);
    const caseRow = locked.row;
    const [timer] = await tx
      .select()
      .from(timers)
      .where(and(eq(timers.id, timerId), isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, now)))
      .for('update', { skipLocked: true });
    if (!timer) return false;
    await tx.update(timers).set({ firedAt: now }).where(eq(timers.id, timer.id));
    const [clock] = await tx.select().from(clocks).where(eq(clocks.id, timer.clockId));
    const [round] = await tx.select().from(rounds).where(eq(rounds.id, caseRow.roundId));
    if (!clock || !round || clock.status !== 'running') return true;
    const kind = clock.kind as ClockKind;
    const spec = clockKinds[kind];
    const scope = caseScope({ tx, app, row: caseRow, round, now, calendar: await app.calendar.get(tx), actorId: null, firmName: locked.facts.firmName });
    if (timer.purpose === 'reminder') {
      await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'remind', at: now, data: timer.data });
      await notify(scope, { template: 'clock.reminder', to: spec.remind, reason: labelOf(kind), dueOn: clock.dueOn });
      return true;
    }
    await tx.update(clocks).set({ status: 'expired', overdue: true }).where(eq(clocks.id, clock.id));
    await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'expire', at: now, data: {} });
    if (spec.onExpiry === 'overdue') {
      await notify(scope, { template: 'clock.overdue', to: spec.escalate, reason: labelOf(kind), dueOn: clock.dueOn });
      return true;
    }
    await expireCase(app, tx, locked, kind, now);
    return true;
  });
}

async function expireCase(app: AppContext, tx: Tx, locked: LoadedCase, kind: ClockKind, now: Date) {
  const caseId = locked.row.id;
  try {
    // a savepoint: a case that has moved on refuses the event without spoiling the timer's transaction
    await tx.transaction((sp) =>
      applyEvent(sp, app, caseWorkflow(app), {
        id: caseId,
        locked,
        user: null,
        requestId: null,
        event: { type: 'DEADLINE_EXPIRED', clock: kind, meta: { at: now.toISOString(), actorId: null, role: 'system' } },
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    app.log.info({ caseId, kind, reason: err.message }, 'expired clock no longer applies to the case');
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
