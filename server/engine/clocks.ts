import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { clockEvents, clocks, timers } from '../../db/schema';
import { writeClockEvent, writeOutbox } from './pending';
import { addWorkingDays, endOfShanghaiDay, shanghaiDate, subtractWorkingDays, workingDaysBetween } from '../calendar/workdays';
import type { ClockKindSpec } from '../../workflows/case/clocks';
import type { EffectScope } from './scope';

type ClockRow = typeof clocks.$inferSelect;

// Reminders go out at 09:00 Shanghai time on their working day, not at midnight.
const morningOf = (date: string) => new Date(`${date}T09:00:00+08:00`);

/** Starts a clock; answers its due date, which this transition's emails quote. */
export async function startClock(s: EffectScope, kind: string): Promise<string> {
  const length = specOf(s, kind).length(s.clockLengths);
  const from = shanghaiDate(s.now);
  const due = addWorkingDays(from, length, s.calendar);
  const [clock] = await s.tx
    .insert(clocks)
    .values({
      ownerKind: s.owner.kind,
      ownerId: s.owner.id,
      kind,
      status: 'running',
      lengthWorkingDays: length,
      countedFrom: from,
      countedDays: length,
      startedAt: s.now,
      dueOn: due.date,
      dueAt: endOfShanghaiDay(due.date),
      provisional: due.provisional,
    })
    .returning();
  if (!clock) throw new Error('clock insert returned nothing');
  await logClock(s, clock.id, 'start', { dueOn: due.date, lengthWorkingDays: length, provisional: due.provisional });
  await armTimers(s, clock);
  return due.date;
}

export async function pauseClock(s: EffectScope, kind: string): Promise<void> {
  // an overdue review is paused too, with nothing left: its resumption still gives one day
  const clock = await latest(s, kind, ['running', 'expired']);
  if (!clock) return;
  const remaining = clock.status === 'expired' ? 0 : workingDaysBetween(shanghaiDate(s.now), clock.dueOn, s.calendar);
  await s.tx.update(clocks).set({ status: 'paused', remainingWorkingDays: remaining }).where(eq(clocks.id, clock.id));
  await cancelTimers(s, clock.id);
  await logClock(s, clock.id, 'pause', { remainingWorkingDays: remaining });
}

/** Resumes a paused clock; answers its new due date, or nothing when none was paused. */
export async function resumeClock(s: EffectScope, kind: string): Promise<string | undefined> {
  const clock = await latest(s, kind, ['paused']);
  if (!clock) return undefined;
  // a reviewer always gets at least one working day back (SPEC §4)
  const days = Math.max(1, clock.remainingWorkingDays ?? 1);
  const from = shanghaiDate(s.now);
  const due = addWorkingDays(from, days, s.calendar);
  const [resumed] = await s.tx
    .update(clocks)
    .set({
      status: 'running',
      overdue: false,
      countedFrom: from,
      countedDays: days,
      dueOn: due.date,
      dueAt: endOfShanghaiDay(due.date),
      provisional: due.provisional,
      remainingWorkingDays: null,
    })
    .where(eq(clocks.id, clock.id))
    .returning();
  if (!resumed) return undefined;
  await logClock(s, clock.id, 'resume', { dueOn: due.date, workingDays: days });
  await armTimers(s, resumed);
  return due.date;
}

export async function stopClock(s: EffectScope, kind: string): Promise<void> {
  const open = await s.tx
    .select()
    .from(clocks)
    .where(and(eq(clocks.ownerId, s.owner.id), eq(clocks.kind, kind), inArray(clocks.status, ['running', 'paused'])));
  for (const clock of open) {
    await s.tx.update(clocks).set({ status: 'stopped' }).where(eq(clocks.id, clock.id));
    await cancelTimers(s, clock.id);
    await logClock(s, clock.id, 'stop', {});
  }
}

async function latest(s: EffectScope, kind: string, statuses: ClockRow['status'][]): Promise<ClockRow | undefined> {
  const [row] = await s.tx
    .select()
    .from(clocks)
    .where(and(eq(clocks.ownerId, s.owner.id), eq(clocks.kind, kind), inArray(clocks.status, statuses)))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  return row;
}

export async function armTimers(s: EffectScope, clock: ClockRow): Promise<void> {
  const spec = specOf(s, clock.kind);
  const planned = [
    { purpose: 'expiry' as const, fireAt: clock.dueAt, data: {} },
    ...spec.reminders.map((n) => ({
      purpose: 'reminder' as const,
      fireAt: morningOf(subtractWorkingDays(clock.dueOn, n, s.calendar).date),
      data: { workingDaysBefore: n },
    })),
  ].filter((t) => t.fireAt > s.now);
  if (planned.length === 0) return;
  const rows = await s.tx
    .insert(timers)
    .values(planned.map((t) => ({ ...t, clockId: clock.id, ownerKind: s.owner.kind, ownerId: s.owner.id })))
    .returning({ id: timers.id, fireAt: timers.fireAt });
  await writeOutbox(s, rows.map((t) => ({ topic: 'timer', payload: { timerId: t.id, fireAt: t.fireAt.toISOString() } })));
}

export async function cancelTimers(s: EffectScope, clockId: string): Promise<void> {
  await s.tx
    .update(timers)
    .set({ cancelledAt: s.now })
    .where(and(eq(timers.clockId, clockId), isNull(timers.firedAt), isNull(timers.cancelledAt)));
}

async function logClock(s: EffectScope, clockId: string, kind: typeof clockEvents.$inferInsert.kind, data: Record<string, unknown>) {
  await writeClockEvent(s, { clockId, kind, at: s.now, data });
}

/** A kind the owner's workflow does not declare fails the transaction: a machine naming it is a bug. */
export function specOf(s: EffectScope, kind: string): ClockKindSpec {
  const spec = Object.hasOwn(s.clocks, kind) ? s.clocks[kind] : undefined;
  if (!spec) throw new Error(`the ${s.owner.kind} workflow has no clock of kind ${kind}`);
  return spec;
}
