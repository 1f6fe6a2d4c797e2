import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { clocks, emailDeliveries, timers } from '../../db/schema';
import { addCalendarDays, addWorkingDays, endOfShanghaiDay, shanghaiDate } from '../../server/calendar/workdays';
import { makeRound } from '../../seeds/factories';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

// Both tests move this file's clock forward (its database, and so its clock, is the file's own).
// Each counts its dates from wherever the clock stands when it starts, and submits into a round of
// its own that is open from then on, so neither depends on what the other moved.

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());
const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url }));

const DAY_MS = 86_400_000;
const at10 = (date: string) => new Date(`${date}T10:00:00+08:00`).toISOString();

/** A case submitted now into a round of its own, open from yesterday for a year. */
async function submittedNow(): Promise<string> {
  const now = t.app.clock.now().getTime();
  const round = await makeRound(t.app.db, {
    editionId: w.edition.id,
    insurerIds: [w.insurer.id],
    opensAt: new Date(now - DAY_MS),
    closesAt: new Date(now + 365 * DAY_MS),
  });
  return w.submittedCase({ roundId: round.id });
}

async function clockOf(caseId: string, kind: string) {
  const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, kind)));
  if (!clock) throw new Error(`no ${kind} clock`);
  return clock;
}

/** The timers of a clock still waiting to fire: neither fired nor cancelled. */
const armedTimers = (clockId: string) =>
  t.app.db
    .select()
    .from(timers)
    .where(and(eq(timers.clockId, clockId), isNull(timers.firedAt), isNull(timers.cancelledAt)));

describe('a returned municipal review, resubmitted', () => {
  it('arms its expiry again at the end of the new due date, and nothing at the old one', async () => {
    const id = await submittedNow();
    const started = await clockOf(id, 'municipalReview');
    const length = started.lengthWorkingDays ?? 0;
    expect(length).toBeGreaterThan(3);
    const oldDueAt = started.dueAt.getTime();
    expect((await armedTimers(started.id)).filter((x) => x.purpose === 'expiry').map((x) => x.fireAt.getTime())).toEqual([oldDueAt]);
    const calendar = await t.app.calendar.get(t.app.db);

    // three working days of the review are used before the city reviewer returns the case
    const returnedOn = addWorkingDays(started.countedFrom ?? shanghaiDate(t.app.clock.now()), 3, calendar).date;
    expect((await t.api.post('/admin/clock', { set: at10(returnedOn) }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal)).status).toBe(200);
    const paused = await clockOf(id, 'municipalReview');
    expect(paused.status).toBe('paused');
    expect(paused.remainingWorkingDays ?? 0).toBeGreaterThanOrEqual(1);
    expect(await armedTimers(started.id)).toEqual([]);

    // the firm resubmits six calendar days later
    const resubmittedOn = addCalendarDays(returnedOn, 6);
    expect((await t.api.post('/admin/clock', { set: at10(resubmittedOn) }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const resumed = await clockOf(id, 'municipalReview');
    const left = paused.remainingWorkingDays ?? 0;
    const dueOn = addWorkingDays(resubmittedOn, left, calendar).date;
    expect(resumed).toMatchObject({ status: 'running', countedFrom: resubmittedOn, countedDays: left, dueOn });
    expect(resumed.dueAt.toISOString()).toBe(endOfShanghaiDay(dueOn).toISOString());
    expect(resumed.dueAt.getTime()).toBeGreaterThan(oldDueAt);

    const armed = await armedTimers(started.id);
    const expiries = armed.filter((x) => x.purpose === 'expiry');
    expect(expiries.map((x) => x.fireAt.toISOString())).toEqual([resumed.dueAt.toISOString()]);
    expect(armed.filter((x) => x.fireAt.getTime() === oldDueAt)).toEqual([]);
    // its reminders are counted back from the new due date too: none fires after it
    for (const x of armed) expect(x.fireAt.getTime()).toBeLessThanOrEqual(resumed.dueAt.getTime());
  });
});

describe('an overdue municipal review, then approved', () => {
  it('keeps its municipal clock expired and starts the provincial review clock', async () => {
    const id = await submittedNow();
    const review = await clockOf(id, 'municipalReview');
    expect((await t.api.post('/admin/clock', { set: new Date(review.dueAt.getTime() + 60_000).toISOString() }, w.tokens.admin)).status).toBe(200);
    await expect
      .poll(async () => {
        const now = await clockOf(id, 'municipalReview');
        return { status: now.status, overdue: now.overdue };
      }, { timeout: 10_000 })
      .toEqual({ status: 'expired', overdue: true });
    const escalations = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.overdue')));
    expect(escalations.map((e) => e.toAddress)).toContain(w.people.provincial.email);

    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal)).status).toBe(200);
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('provincial');
    // an approval names no assignee: the expired review clock is left as it was, not stopped
    expect(await clockOf(id, 'municipalReview')).toMatchObject({ status: 'expired', overdue: true });
    const provincial = await clockOf(id, 'provincialReview');
    expect(provincial).toMatchObject({ status: 'running', overdue: false });
    expect(provincial.dueAt.getTime()).toBeGreaterThan(t.app.clock.now().getTime());
    expect((await armedTimers(provincial.id)).filter((x) => x.purpose === 'expiry').map((x) => x.fireAt.toISOString())).toEqual([provincial.dueAt.toISOString()]);
  });
});
