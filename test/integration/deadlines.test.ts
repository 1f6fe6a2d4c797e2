import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { clockEvents, clocks, emailDeliveries, outbox, settings, timers } from '../../db/schema';
import { addCalendarDays, addWorkingDays, endOfShanghaiDay } from '../../server/calendar/workdays';
import { fireTimer } from '../../server/engine/timers';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());
const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url }));

describe('deadlines on the settable clock', () => {
  it('lapses a case whose revision period ran out, within seconds of moving the clock', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.municipal);
    const view = await t.api.get<{ clocks: { kind: string; dueAt: string }[] }>(`/cases/${id}`, w.tokens.firm);
    const revision = view.body.clocks.find((c) => c.kind === 'revision');
    expect(revision).toBeDefined();
    // the relay queues each timer with a delay from "now": queued after the move, the expiry and the
    // reminders would all be due at once and race; queued before it, the sweep fires them in order
    await expect.poll(async () => (await t.app.db.select().from(outbox).where(isNull(outbox.enqueuedAt))).length, { timeout: 10_000 }).toBe(0);
    const moved = await t.api.post('/admin/clock', { set: new Date(Date.parse(revision?.dueAt ?? '') + 60_000).toISOString() }, w.tokens.admin);
    expect(moved.status).toBe(200);
    await expect.poll(async () => (await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.firm)).body.state, { timeout: 10_000 }).toBe('lapsed');
    const [expired] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'revision')));
    expect(expired?.status).toBe('expired');
    const kinds = (await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, expired?.id ?? ''))).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['start', 'expire']));
    // the reminders fell due with the deadline already past: they say nothing, the lapse speaks
    expect(kinds).not.toContain('remind');
    await smtp.waitFor((m) => m.to.includes(w.people.firm.email) && m.subject.includes('已失效'));
    const reminders = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.reminder')));
    expect(reminders).toEqual([]);
    const history = await t.api.get<{ items: { eventType: string; actorRole: string }[] }>(`/cases/${id}/history`, w.tokens.firm);
    expect(history.body.items.at(-1)).toMatchObject({ eventType: 'DEADLINE_EXPIRED', actorRole: 'system' });
    // the reviewer's clock, paused while the firm revised, ends with the case
    const [review] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    expect(review?.status).toBe('stopped');
  });

  it("disarms a paused clock's timers when the case is returned on its third day", async () => {
    const id = await w.submittedCase();
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    const armed = () => t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), isNull(timers.firedAt), isNull(timers.cancelledAt)));
    expect((await armed()).length).toBeGreaterThan(0);
    expect((await t.api.post('/admin/clock', { advance: 'P3D' }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal)).status).toBe(200);
    const [paused] = await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''));
    expect(paused?.status).toBe('paused');
    expect(await armed()).toEqual([]);
  });

  it('gives an overdue review that was returned and resubmitted at least one more working day', async () => {
    const id = await w.submittedCase();
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    await t.api.post('/admin/clock', { set: new Date((clock?.dueAt.getTime() ?? 0) + 60_000).toISOString() }, w.tokens.admin);
    await expect.poll(async () => (await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''))).at(0)?.status, { timeout: 10_000 }).toBe('expired');
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal);
    const [paused] = await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''));
    expect(paused).toMatchObject({ status: 'paused', remainingWorkingDays: 0 });
    await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    const [resumed] = await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''));
    expect(resumed).toMatchObject({ status: 'running', overdue: false, countedDays: 1 });
    expect(resumed?.dueAt.getTime()).toBeGreaterThan(t.app.clock.now().getTime());
  });

  it('marks an overdue municipal review and escalates it to provincial reviewers', async () => {
    const id = await w.submittedCase();
    const caseNumber = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number;
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    await t.api.post('/admin/clock', { set: new Date((clock?.dueAt.getTime() ?? 0) + 60_000).toISOString() }, w.tokens.admin);
    await expect.poll(async () => (await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''))).at(0)?.overdue, { timeout: 10_000 }).toBe(true);
    const escalations = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.overdue')));
    expect(escalations.map((e) => e.toAddress)).toContain(w.people.provincial.email);
    // each language names the deadline in its own words
    const mail = await smtp.waitFor((m) => m.to.includes(w.people.provincial.email) && m.subject.includes('督办') && m.text.includes(caseNumber));
    expect(mail.text).toContain('的市级初审已于');
    expect(mail.text).toContain('The municipal review of application');
    expect(mail.text).not.toContain('(municipal review)');
    // overdue is not a decision: the case is still with the city reviewer
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('municipal');
  });

  it("reminds the city's reviewers of a review's deadline, named in each language's own words", async () => {
    const id = await w.submittedCase();
    const caseNumber = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number;
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    const [reminder] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'reminder')));
    if (!reminder) throw new Error('no reminder armed');
    // due now: the worker's sweep or this call fires it, once
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, reminder.id));
    await fireTimer(t.app, reminder.id);
    const mail = await smtp.waitFor((m) => m.to.includes(w.people.municipal.email) && m.subject.includes('提醒') && m.text.includes(caseNumber));
    expect(mail.text).toContain('的市级初审期限为');
    expect(mail.text).toContain('The municipal review deadline of application');
    expect(mail.text).not.toContain('(municipal review)');
  });

  it('resumes a returned review with the working days it had left', async () => {
    const id = await w.submittedCase();
    const [before] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'municipalReview')));
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal);
    const [paused] = await t.app.db.select().from(clocks).where(eq(clocks.id, before?.id ?? ''));
    // returned the day it came in: every working day of the review is still to come
    expect(paused).toMatchObject({ status: 'paused', remainingWorkingDays: w.round.clockLengths.municipalReviewWorkingDays });
    await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    const [resumed] = await t.app.db.select().from(clocks).where(eq(clocks.id, before?.id ?? ''));
    expect(resumed?.status).toBe('running');
    const kinds = (await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, before?.id ?? ''))).map((e) => e.kind);
    expect(kinds).toEqual(['start', 'pause', 'resume']);
  });
});

describe('a review paused after some of its days were used', () => {
  const at10 = (date: string) => new Date(`${date}T10:00:00+08:00`).toISOString();
  const reviewClock = async (caseId: string) => {
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'municipalReview')));
    if (!clock) throw new Error('no municipal review clock');
    return clock;
  };

  it('keeps exactly the working days not yet used, and counts them again from the resubmission', async () => {
    const id = await w.submittedCase();
    const started = await reviewClock(id);
    const length = w.round.clockLengths.municipalReviewWorkingDays;
    expect(started).toMatchObject({ status: 'running', lengthWorkingDays: length, countedDays: length });
    const calendar = await t.app.calendar.get(t.app.db);
    const submittedOn = started.countedFrom ?? '';

    // three working days of the review pass before the city reviewer returns the case
    const returnedOn = addWorkingDays(submittedOn, 3, calendar).date;
    expect((await t.api.post('/admin/clock', { set: at10(returnedOn) }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal)).status).toBe(200);
    expect(await reviewClock(id)).toMatchObject({ status: 'paused', remainingWorkingDays: length - 3 });

    // the firm takes its time; the review's remaining days start again from the resubmission
    const resubmittedOn = addCalendarDays(returnedOn, 6);
    expect((await t.api.post('/admin/clock', { set: at10(resubmittedOn) }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const dueOn = addWorkingDays(resubmittedOn, length - 3, calendar).date;
    const resumed = await reviewClock(id);
    expect(resumed).toMatchObject({ status: 'running', countedFrom: resubmittedOn, countedDays: length - 3, dueOn, remainingWorkingDays: null });
    expect(resumed.dueAt.toISOString()).toBe(endOfShanghaiDay(dueOn).toISOString());
    const resume = (await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, started.id))).find((e) => e.kind === 'resume');
    expect(resume?.data).toEqual({ dueOn, workingDays: length - 3 });
  });
});

describe('GET|POST /admin/clock', () => {
  it('lets an administrator read the clock', async () => {
    const res = await t.api.get<{ now: string }>('/admin/clock', w.tokens.admin);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.now)).not.toBeNaN();
  });

  it('moves by whole milliseconds, however fine the duration it is given', async () => {
    const moved = await t.api.post('/admin/clock', { advance: 'PT0.0000001S' }, w.tokens.admin);
    expect(moved.status).toBe(200);
    const read = await t.api.get<{ offsetMs: number }>('/admin/clock', w.tokens.admin);
    expect(Number.isInteger(read.body.offsetMs)).toBe(true);
    const [row] = await t.app.db.select().from(settings).where(eq(settings.key, 'clock.offsetMs'));
    expect(Number.isInteger(row?.value)).toBe(true);
  });

  it('refuses every other role with 403 and anonymous callers with 401', async () => {
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const) {
      expect((await t.api.post('/admin/clock', { advance: 'P1D' }, w.tokens[role])).status).toBe(403);
      expect((await t.api.get('/admin/clock', w.tokens[role])).status).toBe(403);
    }
    expect((await t.api.post('/admin/clock', { advance: 'P1D' })).status).toBe(401);
  });

  it('refuses a malformed move, a calendar-month duration and a move backwards with 400', async () => {
    expect((await t.api.post('/admin/clock', { advance: 'three days' }, w.tokens.admin)).status).toBe(400);
    expect((await t.api.post('/admin/clock', { advance: 'P1M' }, w.tokens.admin)).status).toBe(400);
    expect((await t.api.post('/admin/clock', { set: '2020-01-01T00:00:00+08:00' }, w.tokens.admin)).status).toBe(400);
    expect((await t.api.post('/admin/clock', { advance: 'P1D', set: '2030-01-01T00:00:00+08:00' }, w.tokens.admin)).status).toBe(400);
  });

  it('refuses to move the clock past where the programme\'s dates end, by a set or by advances, and stays where it was', async () => {
    const before = (await t.api.get<{ now: string }>('/admin/clock', w.tokens.admin)).body.now;
    const set = await t.api.post<{ errors: { path: string }[] }>('/admin/clock', { set: '9999-12-31T23:59:59Z' }, w.tokens.admin);
    expect(set.status).toBe(400);
    expect(set.body.errors.map((e) => e.path)).toEqual(['set']);
    const years = Math.ceil((Date.parse('2099-01-01T00:00:00+08:00') - Date.parse(before)) / (365 * 86_400_000));
    const tries = [];
    for (let i = 0; i < years / 10 + 1; i++) tries.push((await t.api.post('/admin/clock', { advance: 'P3650D' }, w.tokens.admin)).status);
    expect(tries.at(-1)).toBe(400);
    // a whole ten years at a time is allowed: advances succeed until the end is near, then every one is refused
    const refusedFrom = tries.indexOf(400);
    expect(refusedFrom).toBeGreaterThanOrEqual(Math.floor(years / 10) - 1);
    expect(tries).toEqual([...Array<number>(refusedFrom).fill(200), ...Array<number>(tries.length - refusedFrom).fill(400)]);
    const now = (await t.api.get<{ now: string }>('/admin/clock', w.tokens.admin)).body.now;
    expect(Date.parse(now)).toBeLessThan(Date.parse('2099-01-01T00:00:00+08:00'));
  });
});
