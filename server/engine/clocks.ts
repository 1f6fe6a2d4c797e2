import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { clockEvents, clocks, timers } from '../../db/schema';
import { write, writeClockEvent, writeOutbox, type ClockRow } from './pending';
import { endOfShanghaiDay, shanghaiDate } from '../calendar/workdays';
import { countBack, countForward, daysLeft } from './counting';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';
import type { EffectScope, Owner } from './scope';
import type { Tx } from '../../db/client';
import { insertStatement, p, shaped, shapedStatement, updateStatement } from '../../db/shapes';

/** Which clock an effect means: its kind, the assignee of a per-assignee kind, a fixed date's day. */
export interface ClockRef {
  kind: string;
  assignee?: string;
  dueOn?: string;
}

/**
 * How far ahead a timer gets its BullMQ delayed job. A timer due later gets none when it is armed:
 * the sweep (every minute) adds the jobs of the timers due within this horizon (`rearmSoon`) and
 * fires whatever is due, so a deadline weeks away costs no job, no outbox row and no relay until
 * its last hour (SPEC §8: clocks are rows; delayed jobs only trigger them).
 */
export const DELAYED_JOB_HORIZON_MS = 3_600_000;

// Reminders go out at 09:00 Shanghai time on their day, not at midnight.
const morningOf = (date: string) => new Date(`${date}T09:00:00+08:00`);

/** Starts a clock; answers its due date, which this transition's emails quote. */
export async function startClock(s: EffectScope, ref: ClockRef): Promise<string> {
  const spec = specOf(s, ref.kind);
  const from = shanghaiDate(s.now);
  const length = spec.unit === 'fixedDate' ? null : spec.length(s.clockLengths);
  const due = length === null ? { date: fixedDue(ref), provisional: false } : countForward(spec.unit, from, length, s.calendar);
  const clock: ClockRow = {
    id: randomUUID(),
    ownerKind: s.owner.kind,
    ownerId: s.owner.id,
    kind: ref.kind,
    unit: spec.unit,
    assigneeId: ref.assignee ?? null,
    status: 'running',
    lengthWorkingDays: spec.unit === 'workingDays' ? length : null,
    countedFrom: length === null ? null : from,
    countedDays: length,
    startedAt: s.now,
    dueOn: due.date,
    dueAt: endOfShanghaiDay(due.date),
    remainingWorkingDays: null,
    provisional: due.provisional,
    overdue: false,
    createdAt: s.now,
  };
  // created_at is the database's own time, as for every row; the clock row carries the programme's
  const { createdAt: _createdAt, ...values } = clock;
  await write(s, insertStatement(clocks, [values], [`clock:${clock.id}`]));
  if (s.pending) (s.pending.openClocks ?? s.pending.startedClocks).push(clock);
  await logClock(s, clock.id, 'start', { dueOn: due.date, length, unit: spec.unit, ...(ref.assignee ? { assignee: ref.assignee } : {}), provisional: due.provisional });
  await armTimers(s, clock);
  return due.date;
}

export async function pauseClock(s: EffectScope, ref: ClockRef): Promise<void> {
  // an overdue review is paused too, with nothing left: its resumption still gives one day
  for (const clock of await latest(s, ref, ['running', 'expired'])) {
    const remaining = clock.status === 'expired' ? 0 : daysLeft(clock.unit, shanghaiDate(s.now), clock.dueOn, s.calendar);
    await change(s, clock, { status: 'paused', remainingWorkingDays: remaining });
    await cancelTimers(s, clock.id);
    await logClock(s, clock.id, 'pause', { remainingDays: remaining });
  }
}

/** Resumes paused clocks; answers the new due date, or nothing when none was paused. */
export async function resumeClock(s: EffectScope, ref: ClockRef): Promise<string | undefined> {
  let dueOn: string | undefined;
  for (const clock of await latest(s, ref, ['paused'])) {
    // a reviewer always gets at least one day back (SPEC §4)
    const days = Math.max(1, clock.remainingWorkingDays ?? 1);
    const from = shanghaiDate(s.now);
    const due = countForward(clock.unit, from, days, s.calendar);
    const resumed = await change(s, clock, {
      status: 'running',
      overdue: false,
      countedFrom: from,
      countedDays: days,
      dueOn: due.date,
      dueAt: endOfShanghaiDay(due.date),
      provisional: due.provisional,
      remainingWorkingDays: null,
    });
    await logClock(s, clock.id, 'resume', { dueOn: due.date, workingDays: days });
    await armTimers(s, resumed);
    dueOn = due.date;
  }
  return dueOn;
}

/** Stops the open clocks of a kind: of one assignee when named, else every one of the kind. */
export async function stopClock(s: EffectScope, ref: ClockRef): Promise<void> {
  const open = (await openClocks(s)).filter((c) => c.kind === ref.kind && OPEN_CLOCK_STATUSES.includes(c.status) && (!ref.assignee || c.assigneeId === ref.assignee));
  for (const clock of open) {
    // an expired clock of one assignee (an overdue expert) is closed when the assignment ends
    if (clock.status === 'expired' && !ref.assignee) continue;
    await change(s, clock, { status: 'stopped' });
    await cancelTimers(s, clock.id);
    await logClock(s, clock.id, 'stop', {});
  }
}

/**
 * The owner's running, paused and expired clocks: read once per transition, then kept current by
 * its own changes (PendingWrites); outside a transition, read each time.
 */
export const OPEN_CLOCK_STATUSES: readonly ClockRow['status'][] = ['running', 'paused', 'expired'];

async function openClocks(s: EffectScope): Promise<ClockRow[]> {
  if (s.pending?.openClocks) return s.pending.openClocks;
  const rows = await readOpenClocks(s.tx, s.owner);
  if (!s.pending) return rows;
  s.pending.openClocks = [...rows, ...s.pending.startedClocks];
  return s.pending.openClocks;
}

/** An owner's running, paused and expired clocks (a transition reads them with its row, PendingWrites). */
export function readOpenClocks(tx: Tx, owner: Owner): Promise<ClockRow[]> {
  return openOf(tx, { kind: owner.kind, id: owner.id });
}

const openOf = shaped<{ kind: string; id: string }, ClockRow[]>('open clocks', (b) =>
  b
    .select()
    .from(clocks)
    .where(and(eq(clocks.ownerKind, p('kind')), eq(clocks.ownerId, p('id')), inArray(clocks.status, [...OPEN_CLOCK_STATUSES]))),
);

/** Writes a change to a clock and keeps the transition's view of it current; answers the changed row. */
async function change(s: EffectScope, clock: ClockRow, set: Partial<Omit<ClockRow, 'id'>>): Promise<ClockRow> {
  await write(s, updateStatement(clocks, clock.id, set, [`clock:${clock.id}`]));
  return Object.assign(clock, set);
}

/** The most recent clock of the kind in one of the statuses, one per assignee. */
async function latest(s: EffectScope, ref: ClockRef, statuses: ClockRow['status'][]): Promise<ClockRow[]> {
  const rows = (await openClocks(s))
    .filter((c) => c.kind === ref.kind && statuses.includes(c.status) && (!ref.assignee || c.assigneeId === ref.assignee))
    .sort(newestFirst);
  const seen = new Set<string | null>();
  return rows.filter((r) => !seen.has(r.assigneeId) && Boolean(seen.add(r.assigneeId)));
}

/** The running clock started last, if any: the deadline a message without a clock of its own quotes. */
export async function runningClock(s: EffectScope): Promise<ClockRow | undefined> {
  return (await openClocks(s)).filter((c) => c.status === 'running').sort(newestFirst)[0];
}

// started_at, then id, both descending; uuid text order is byte order, as the database orders them
const newestFirst = (a: ClockRow, b: ClockRow) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function fixedDue(ref: ClockRef): string {
  if (!ref.dueOn) throw new Error(`clock ${ref.kind} is counted to a fixed date, and none was given`);
  return ref.dueOn;
}

export async function armTimers(s: EffectScope, clock: ClockRow): Promise<void> {
  const spec = specOf(s, clock.kind);
  const planned = [
    { purpose: 'expiry' as const, fireAt: clock.dueAt, data: {} },
    ...spec.reminders.map((n) => ({
      purpose: 'reminder' as const,
      fireAt: morningOf(countBack(clock.unit, clock.dueOn, n, s.calendar)),
      data: { workingDaysBefore: n },
    })),
  ].filter((t) => t.fireAt > s.now);
  if (planned.length === 0) return;
  const rows = planned.map((t) => ({ ...t, id: randomUUID(), clockId: clock.id, ownerKind: s.owner.kind, ownerId: s.owner.id }));
  await write(s, insertStatement(timers, rows, [`timers:${clock.id}`]));
  const soon = new Date(s.now.getTime() + DELAYED_JOB_HORIZON_MS);
  await writeOutbox(
    s,
    rows.filter((t) => t.fireAt <= soon).map((t) => ({ topic: 'timer', payload: { timerId: t.id, fireAt: t.fireAt.toISOString() } })),
  );
}

export async function cancelTimers(s: EffectScope, clockId: string): Promise<void> {
  await write(s, disarm({ clockId, now: s.now }, [`timers:${clockId}`]));
}

const disarm = shapedStatement<{ clockId: string; now: Date }>('cancel timers', (b) =>
  b
    .update(timers)
    .set({ cancelledAt: p('now') as never })
    .where(and(eq(timers.clockId, p('clockId')), isNull(timers.firedAt), isNull(timers.cancelledAt))),
);

async function logClock(s: EffectScope, clockId: string, kind: typeof clockEvents.$inferInsert.kind, data: Record<string, unknown>) {
  await writeClockEvent(s, { clockId, kind, at: s.now, data });
}

/** A kind the owner's workflow does not declare fails the transaction: a machine naming it is a bug. */
export function specOf(s: Pick<EffectScope, 'clocks' | 'owner'>, kind: string): ClockKindSpec {
  const spec = Object.hasOwn(s.clocks, kind) ? s.clocks[kind] : undefined;
  if (!spec) throw new Error(`the ${s.owner.kind} workflow has no clock of kind ${kind}`);
  return spec;
}
