// Running deadlines follow the calendar they were counted on. When an administrator loads or
// corrects a year's schedule, every running clock whose count could cross that year — and every
// provisional one — is counted again on the new calendar (SPEC §4, "Clocks", last paragraph).
import { and, asc, desc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { calendarDays, calendarYears, clockEvents, clocks, outbox, timers } from '../../db/schema';
import type { AppContext } from '../context';
import { addWorkingDays, calendarFrom, endOfShanghaiDay, shanghaiDate, type CalendarData } from '../calendar/workdays';
import { armTimers, cancelTimers } from './clocks';
import type { EffectScope } from './scope';
import { workflowFor } from '../workflows';
import type { OutboxMessage } from '../jobs/registry';
import type { OwnerKind } from '../../db/schema';

type ClockRow = typeof clocks.$inferSelect;

export interface Recomputed {
  clockId: string;
  ownerKind: OwnerKind;
  ownerId: string;
  /** kept for clients that read it before other owners had deadlines */
  caseId?: string;
  kind: string;
  from: string;
  to: string;
  provisional: boolean;
}

export interface RecomputeInput {
  /** the year whose schedule changed */
  year: number;
  now: Date;
  actorId: string | null;
}

/** The calendar as this transaction sees it; the per-process cache may still hold the old schedule. */
export async function calendarIn(tx: Tx): Promise<CalendarData> {
  const days = await tx.select().from(calendarDays);
  const years = await tx.select().from(calendarYears);
  return calendarFrom(
    days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
    years.filter((y) => y.published).map((y) => y.year),
  );
}

// The count walks countedFrom (exclusive) to dueOn, and the calendar before the changed year is
// untouched, so a clock whose span misses the year is counted exactly as before. Legacy rows
// without countedFrom started no later than today: dueOn alone decides for them.
function affectedBy(year: number) {
  const spansYear = and(gte(clocks.dueOn, `${year}-01-01`), or(isNull(clocks.countedFrom), lte(clocks.countedFrom, `${year}-12-31`)));
  return and(eq(clocks.status, 'running'), or(eq(clocks.provisional, true), spansYear));
}

/**
 * Recounts the affected clocks inside the caller's transaction, re-arming the timers of those that
 * moved, whatever owns them. Paused clocks keep their remaining days and are counted again on
 * resumption; calendar-day and fixed-date clocks do not depend on the calendar.
 */
export async function recomputeClocks(tx: Tx, app: AppContext, input: RecomputeInput): Promise<Recomputed[]> {
  const calendar = await calendarIn(tx);
  const affected = and(eq(clocks.unit, 'workingDays'), affectedBy(input.year));
  const candidates = await tx.selectDistinct({ ownerKind: clocks.ownerKind, ownerId: clocks.ownerId }).from(clocks).where(affected);
  // Owners first, one at a time in id order, as a transition locks them (owner, clocks, timers):
  // inserting a timer takes a key-share lock on its owner, which would otherwise deadlock.
  const owners = candidates.sort((a, b) => (a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0));
  const done: Recomputed[] = [];
  for (const owner of owners) {
    const workflow = workflowFor(app, owner.ownerKind);
    const loaded = await workflow.load(tx, owner.ownerId, true);
    // re-read under the owner's lock: a clock may have paused or stopped since the first look
    const running = await tx.select().from(clocks).where(and(affected, eq(clocks.ownerId, owner.ownerId))).orderBy(asc(clocks.id)).for('update');
    if (running.length === 0) continue;
    // the calendar as this transaction sees it, not the per-process cache; a recount sends no email
    const scope = { ...(await workflow.effectScope(tx, loaded, input.now, input.actorId)), calendar };
    for (const clock of running) {
      const result = await recomputeOne(scope, clock);
      if (result) done.push(result);
    }
  }
  return done;
}

async function recomputeOne(s: EffectScope, clock: ClockRow): Promise<Recomputed | null> {
  const counting = await countingOf(s.tx, clock);
  if (!counting) {
    s.app.log.warn({ clockId: clock.id }, 'running clock has no working-day length; left as it is');
    return null;
  }
  const due = addWorkingDays(counting.from, counting.days, s.calendar);
  if (due.date === clock.dueOn && due.provisional === clock.provisional) return null;
  const [updated] = await s.tx
    .update(clocks)
    .set({ countedFrom: counting.from, countedDays: counting.days, dueOn: due.date, dueAt: endOfShanghaiDay(due.date), provisional: due.provisional })
    .where(eq(clocks.id, clock.id))
    .returning();
  if (!updated) return null;
  await cancelTimers(s, clock.id);
  await armTimers(s, updated);
  // armTimers skips instants already past: a deadline moved into the past must still expire
  if (updated.dueAt <= s.now) await armExpiryNow(s, updated);
  await s.tx.insert(clockEvents).values({ clockId: clock.id, kind: 'recompute', at: s.now, data: { from: clock.dueOn, to: due.date, provisional: due.provisional } });
  return { clockId: clock.id, ownerKind: clock.ownerKind, ownerId: clock.ownerId, ...(clock.ownerKind === 'case' ? { caseId: clock.ownerId } : {}), kind: clock.kind, from: clock.dueOn, to: due.date, provisional: due.provisional };
}

// Rows written before counted_from existed: a resumed clock counts from its resumption (its
// 'resume' event keeps the working days given back), any other from its start.
async function countingOf(tx: Tx, clock: ClockRow): Promise<{ from: string; days: number } | null> {
  if (clock.countedFrom !== null && clock.countedDays !== null) return { from: clock.countedFrom, days: clock.countedDays };
  const [resume] = await tx
    .select()
    .from(clockEvents)
    .where(and(eq(clockEvents.clockId, clock.id), eq(clockEvents.kind, 'resume')))
    .orderBy(desc(clockEvents.id))
    .limit(1);
  const given = (resume?.data as { workingDays?: unknown } | undefined)?.workingDays;
  if (resume && typeof given === 'number') return { from: shanghaiDate(resume.at), days: given };
  return clock.lengthWorkingDays === null ? null : { from: shanghaiDate(clock.startedAt), days: clock.lengthWorkingDays };
}

async function armExpiryNow(s: EffectScope, clock: ClockRow): Promise<void> {
  const [timer] = await s.tx
    .insert(timers)
    .values({ clockId: clock.id, ownerKind: clock.ownerKind, ownerId: clock.ownerId, purpose: 'expiry', fireAt: s.now, data: {} })
    .returning({ id: timers.id, fireAt: timers.fireAt });
  if (timer) await s.tx.insert(outbox).values({ topic: 'timer', payload: { timerId: timer.id, fireAt: timer.fireAt.toISOString() } } satisfies OutboxMessage);
}
