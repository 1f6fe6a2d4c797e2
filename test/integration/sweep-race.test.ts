import { afterAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull, lte } from 'drizzle-orm';
import { clockEvents, clocks, emailDeliveries, timers } from '../../db/schema';
import { connect, type Database } from '../../db/client';
import type { AppContext } from '../../server/context';
import { fireTimer, sweepDue } from '../../server/engine/timers';
import { useTestApp } from '../support/use-app';

// Several workers sweep at once (SPEC §8: run any number), and each timer's delayed job may run
// beside them: whoever gets there, a due timer fires once.
const { t, w } = useTestApp({ ownDatabase: true });

const pools: Database[] = [];
/** The app as another worker process sees it: the same database through a pool of its own. */
const anotherWorker = (): AppContext => {
  const database = connect(t.app.env.DATABASE_URL, { max: 10 });
  pools.push(database);
  return { ...t.app, database, db: database.db };
};
afterAll(async () => Promise.all(pools.splice(0).map((p) => p.close())));

/** `owners` cases in municipal review whose reminder and expiry are both due: two timers per owner. */
async function dueBurst(owners: number) {
  const ids: string[] = [];
  for (let i = 0; i < owners; i++) ids.push(await w.submittedCase());
  const now = t.app.clock.now().getTime();
  const armed = await t.app.db.select().from(timers).where(and(inArray(timers.ownerId, ids), isNull(timers.firedAt), isNull(timers.cancelledAt)));
  for (const timer of armed) {
    // the reminder a minute before the expiry: fired in that order
    const fireAt = new Date(now - (timer.purpose === 'reminder' ? 120_000 : 60_000));
    await t.app.db.update(timers).set({ fireAt }).where(eq(timers.id, timer.id));
  }
  const due = await t.app.db.select().from(timers).where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, new Date(now))));
  expect(due.map((d) => d.id).sort()).toEqual(armed.map((a) => a.id).sort());
  expect(armed).toHaveLength(2 * owners);
  return { caseIds: ids, timerIds: armed.map((a) => a.id) };
}

/**
 * Each timer's traces: fired_at set, one clock event and one email per recipient, never two. A
 * reminder whose expiry fired first (its job ran before the reminder's) finds the clock expired and
 * does nothing: with `remindersMayLag`, a reminder leaves at most one trace instead of exactly one.
 */
async function expectFiredOnce(caseIds: string[], timerIds: string[], remindersMayLag = false) {
  const rows = await t.app.db.select().from(timers).where(inArray(timers.id, timerIds));
  expect(rows.filter((r) => r.firedAt === null)).toEqual([]);
  const owned = await t.app.db.select({ id: clocks.id }).from(clocks).where(and(inArray(clocks.ownerId, caseIds), eq(clocks.kind, 'municipalReview')));
  expect(owned).toHaveLength(caseIds.length);
  const events = await t.app.db.select().from(clockEvents).where(inArray(clockEvents.clockId, owned.map((c) => c.id)));
  for (const clock of owned) {
    const fired = events.filter((e) => e.clockId === clock.id && (e.kind === 'remind' || e.kind === 'expire')).map((e) => e.kind);
    expect(fired.filter((k) => k === 'expire'), `clock ${clock.id}`).toEqual(['expire']);
    expect(fired.filter((k) => k === 'remind'), `clock ${clock.id}`).toEqual(remindersMayLag ? expect.toBeOneOf([[], ['remind']]) : ['remind']);
  }
  const mails = await t.app.db.select().from(emailDeliveries).where(inArray(emailDeliveries.ownerId, caseIds));
  const seen = new Map<string, number>();
  for (const m of mails) seen.set(`${m.ownerId} ${m.template} ${m.toAddress}`, (seen.get(`${m.ownerId} ${m.template} ${m.toAddress}`) ?? 0) + 1);
  expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
  for (const id of caseIds) {
    const templates = new Set(mails.filter((m) => m.ownerId === id && m.template.startsWith('clock.')).map((m) => m.template));
    expect(templates.has('clock.overdue'), `case ${id}`).toBe(true);
    if (!remindersMayLag) expect(templates.has('clock.reminder'), `case ${id}`).toBe(true);
  }
  return events;
}

describe('sweeps racing each other', () => {
  it('fires each of 50 due timers exactly once when two sweeps of two workers run over them at once, an owner\'s reminder before its expiry', async () => {
    const { caseIds, timerIds } = await dueBurst(25);
    const counts = await Promise.all([sweepDue(anotherWorker()), sweepDue(anotherWorker())]);
    expect(counts[0] + counts[1]).toBe(50);
    const events = await expectFiredOnce(caseIds, timerIds);
    for (const clockId of new Set(events.map((e) => e.clockId))) {
      const own = events.filter((e) => e.clockId === clockId && (e.kind === 'remind' || e.kind === 'expire')).sort((a, b) => a.id - b.id);
      expect(own.map((e) => e.kind)).toEqual(['remind', 'expire']);
    }
    expect(await sweepDue(t.app)).toBe(0);
  });

  it('fires each exactly once when four sweeps and every timer\'s own job race', async () => {
    const { caseIds, timerIds } = await dueBurst(25);
    const sweeps = [anotherWorker(), anotherWorker(), anotherWorker(), anotherWorker()].map((app) => sweepDue(app));
    const jobs = timerIds.map((id) => fireTimer(t.app, id));
    const swept = await Promise.all(sweeps);
    const byJob = (await Promise.all(jobs)).filter(Boolean).length;
    expect(swept.reduce((a, b) => a + b, 0) + byJob).toBe(50);
    await expectFiredOnce(caseIds, timerIds, true);
  });

  it("still fires the timers of an owner that another sweep had claimed when this one reached it", async () => {
    const { caseIds, timerIds } = await dueBurst(3);
    const [held] = caseIds;
    // another sweep's claim on the first case, held for the whole of this sweep
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let claimed = () => undefined as void;
    const holding = new Promise<void>((resolve) => (claimed = resolve));
    const other = anotherWorker().database.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`timer-owner:${held}`}, 0))`;
      claimed();
      await released;
    });
    await holding;
    try {
      expect(await sweepDue(t.app)).toBe(6);
    } finally {
      release();
      await other;
    }
    await expectFiredOnce(caseIds, timerIds);
  });
});
