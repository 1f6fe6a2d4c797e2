import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { clocks, timers } from '../../db/schema';
import type { AppContext } from '../../server/context';
import { fireTimer } from '../../server/engine/timers';

/** A running clock row of an owner of its own, for tests that write clock rows directly. */
export function aClockRow(overrides: Partial<typeof clocks.$inferInsert> = {}): typeof clocks.$inferInsert {
  return {
    id: randomUUID(),
    ownerKind: 'case',
    ownerId: randomUUID(),
    kind: 'municipalReview',
    status: 'running',
    startedAt: new Date('2026-03-02T01:02:03.456Z'),
    dueOn: '2026-03-20',
    dueAt: new Date('2026-03-20T15:59:59.000Z'),
    lengthWorkingDays: 15,
    countedFrom: '2026-03-02',
    countedDays: 15,
    remainingWorkingDays: null,
    provisional: false,
    overdue: false,
    ...overrides,
  };
}

/**
 * An expert's own clock on a case runs out, as its expiry timer fires now (the app's clock stays
 * where it is); answers the day it was due.
 */
export async function runOutExpertClock(app: AppContext, caseId: string, expertId: string): Promise<string> {
  const [clock] = await app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.assigneeId, expertId), eq(clocks.status, 'running')));
  const [expiry] = clock ? await app.db.select().from(timers).where(and(eq(timers.clockId, clock.id), eq(timers.purpose, 'expiry'))) : [];
  if (!clock || !expiry) throw new Error('no running clock of the expert with its expiry armed');
  await app.db.update(timers).set({ fireAt: new Date(app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
  if (!(await fireTimer(app, expiry.id))) throw new Error('the expiry did not fire');
  return clock.dueOn;
}

/** A case's running clock of a kind runs out, as its expiry timer fires now; answers the day it was due. */
export async function runOutCaseClock(app: AppContext, caseId: string, kind: string): Promise<string> {
  const [clock] = await app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, kind), eq(clocks.status, 'running')));
  const [expiry] = clock ? await app.db.select().from(timers).where(and(eq(timers.clockId, clock.id), eq(timers.purpose, 'expiry'))) : [];
  if (!clock || !expiry) throw new Error(`no running ${kind} clock with its expiry armed`);
  await app.db.update(timers).set({ fireAt: new Date(app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
  if (!(await fireTimer(app, expiry.id))) throw new Error('the expiry did not fire');
  return clock.dueOn;
}
