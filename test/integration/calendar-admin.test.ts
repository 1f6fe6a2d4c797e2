import { describe, expect, it } from 'vitest';
import { and, arrayContains, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { calendarChanges, clockEvents, clocks, timers } from '../../db/schema';
import type { SettableClock } from '../../server/clock';
import { defaultClockLengths } from '../../server/engine/clock-kinds';
import { fireTimer } from '../../server/engine/timers';
import { recountYear } from '../../server/calendar/admin';
import { makeRound } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

// This file rewrites calendar rows of 2027, which no other file relies on, in a database of its own.
const { t, w } = useTestApp({ ownDatabase: true });

interface Day {
  date: string;
  kind: 'holiday' | 'workday';
  name?: string | null;
  source?: string;
}
interface YearAnswer {
  year: number;
  published: boolean;
  days: Day[];
  provisional: boolean;
  statutoryDays: Day[];
  recomputed: { clockId: string; ownerKind: string; ownerId: string; caseId?: string; kind: string; from: string; to: string; provisional: boolean }[];
  changedBy: { id: string };
  errors?: { path: string; code: string; messageZh?: string }[];
}

const day = (date: string, kind: Day['kind'], name: string): Day => ({ date, kind, name });
const holidays = (name: string, ...dates: string[]) => dates.map((d) => day(d, 'holiday', name));
const worked = (name: string, ...dates: string[]) => dates.map((d) => day(d, 'workday', name));

// Made up for the test (the State Council had not published 2027), shaped like the real ones: only
// weekdays off and weekend days worked are listed, e.g. 春节 from 除夕 Fri 5 Feb to Sat 13 Feb with
// Sunday 31 Jan and Saturday 20 Feb worked.
const schedule2027: Day[] = [
  ...holidays('元旦', '2027-01-01'),
  ...worked('春节', '2027-01-31', '2027-02-20'),
  ...holidays('春节', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'),
  ...holidays('清明', '2027-04-05'),
  ...worked('劳动节', '2027-04-25', '2027-05-08'),
  ...holidays('劳动节', '2027-05-03', '2027-05-04', '2027-05-05'),
  ...holidays('端午', '2027-06-09'),
  ...holidays('中秋', '2027-09-15'),
  ...worked('国庆节', '2027-09-26', '2027-10-09'),
  ...holidays('国庆节', '2027-10-01', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'),
].sort((a, b) => (a.date < b.date ? -1 : 1));

// What the national holiday law alone gives for 2027, worked out by hand: 元旦 Fri; 除夕 Fri 5 Feb to
// 初三 Mon 8 Feb with the weekend's two days in lieu on Tue and Wed; 劳动节 and 国庆节 partly on a
// weekend, so Mon–Tue in lieu after each; no make-up working days.
const statutory2027: Day[] = [
  ...holidays('元旦', '2027-01-01'),
  ...holidays('春节', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'),
  ...holidays('春节补假', '2027-02-09', '2027-02-10'),
  ...holidays('清明', '2027-04-05'),
  ...holidays('劳动节', '2027-05-01', '2027-05-02'),
  ...holidays('劳动节补假', '2027-05-03', '2027-05-04'),
  ...holidays('端午', '2027-06-09'),
  ...holidays('中秋', '2027-09-15'),
  ...holidays('国庆节', '2027-10-01', '2027-10-02', '2027-10-03'),
  ...holidays('国庆节补假', '2027-10-04', '2027-10-05'),
];

const setNow = (iso: string) => (t.app.clock as SettableClock).set(new Date(iso));
// The clock is set to days of 2026 and 2027, whatever the year the tests run in: the rounds this file
// submits to take applications on those days (a factory round's window follows the present year).
const window2027 = { opensAt: new Date('2026-01-01T00:00:00+08:00'), closesAt: new Date('2027-12-31T23:59:59+08:00') };
let round2027: Promise<{ id: string }> | undefined;
const inRound2027 = async () => ({ roundId: (await (round2027 ??= makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], ...window2027 }))).id });
const put = (year: number | string, body: unknown, token?: string) => t.api.request<YearAnswer>('PUT', `/admin/calendar/${year}`, { token, body });
const unpublish2027 = async () => expect((await put(2027, { published: false, days: [] }, w.tokens.admin)).status).toBe(200);

async function clockOf(caseId: string, kind: string) {
  const [row] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, kind)));
  if (!row) throw new Error(`case ${caseId} has no ${kind} clock`);
  return row;
}
const armed = (clockId: string) =>
  t.app.db.select().from(timers).where(and(eq(timers.clockId, clockId), isNull(timers.firedAt), isNull(timers.cancelledAt))).orderBy(asc(timers.fireAt));
const recomputeEvents = (clockId: string) => t.app.db.select().from(clockEvents).where(and(eq(clockEvents.clockId, clockId), eq(clockEvents.kind, 'recompute')));

describe('PUT /admin/calendar/:year recounting running deadlines', () => {
  it('turns a provisional review running over 春节 2027 into a final, recounted deadline with re-armed timers', async () => {
    await unpublish2027();
    const long = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], ...window2027, clockLengths: { ...defaultClockLengths, municipalReviewWorkingDays: 30 } });
    await setNow('2026-12-24T10:00:00+08:00');
    const longId = await w.submittedCase({ roundId: long.id });
    const shortId = await w.submittedCase(await inRound2027());
    const before = await clockOf(longId, 'municipalReview');
    // the statutory fallback: 除夕 to 初三, and Tue–Wed in lieu of the weekend (补假)
    expect(before).toMatchObject({ dueOn: '2027-02-11', provisional: true, countedFrom: '2026-12-24', countedDays: 30 });
    const oldTimers = await armed(before.id);
    expect(oldTimers.length).toBe(2);

    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.status).toBe(200);
    const short = await clockOf(shortId, 'municipalReview');
    expect(res.body.recomputed).toEqual(
      expect.arrayContaining([
        { clockId: before.id, ownerKind: 'case', ownerId: longId, caseId: longId, kind: 'municipalReview', from: '2027-02-11', to: '2027-02-04', provisional: false },
        { clockId: short.id, ownerKind: 'case', ownerId: shortId, caseId: shortId, kind: 'municipalReview', from: '2027-01-08', to: '2027-01-08', provisional: false },
      ]),
    );
    // Sunday 31 Jan is worked, so the 30th working day comes before the holiday
    const after = await clockOf(longId, 'municipalReview');
    expect(after).toMatchObject({ status: 'running', dueOn: '2027-02-04', provisional: false });
    expect(after.dueAt.toISOString()).toBe('2027-02-04T15:59:59.000Z');
    expect(short.provisional).toBe(false);
    const cancelled = await t.app.db.select().from(timers).where(and(eq(timers.clockId, before.id), isNotNull(timers.cancelledAt)));
    expect(cancelled.map((x) => x.id).sort()).toEqual(oldTimers.map((x) => x.id).sort());
    expect((await armed(before.id)).map((x) => [x.purpose, x.fireAt.toISOString()])).toEqual([
      ['reminder', '2027-02-02T01:00:00.000Z'],
      ['expiry', '2027-02-04T15:59:59.000Z'],
    ]);
    expect((await recomputeEvents(before.id)).map((e) => e.data)).toEqual([{ from: '2027-02-11', to: '2027-02-04', provisional: false }]);
    const view = await t.api.get<{ clocks: { kind: string; dueOn: string; provisional: boolean }[] }>(`/cases/${longId}`, w.tokens.firm);
    expect(view.body.clocks).toEqual([expect.objectContaining({ kind: 'municipalReview', dueOn: '2027-02-04', provisional: false })]);
    // the change that recounted this review: the clock was set back to 2026 after unpublishing, so `at` does not order them
    const [change] = await t.app.db.select().from(calendarChanges).where(and(eq(calendarChanges.year, 2027), arrayContains(calendarChanges.recomputedClockIds, [before.id])));
    expect(change).toMatchObject({ changedBy: w.people.admin.id, before: { published: false }, after: { published: true } });
    expect(change?.recomputedClockIds).toEqual(expect.arrayContaining([before.id, short.id]));
  });

  it('recounts a running revision and leaves the paused review with its remaining days', async () => {
    await unpublish2027();
    await setNow('2026-12-24T10:00:00+08:00');
    const id = await w.submittedCase(await inRound2027());
    const ret = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.municipal);
    expect(ret.status).toBe(200);
    const paused = await clockOf(id, 'municipalReview');
    expect(paused.status).toBe('paused');
    const revision = await clockOf(id, 'revision');
    expect(revision).toMatchObject({ dueOn: '2027-01-08', provisional: true });

    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    const mine = res.body.recomputed.filter((r) => r.caseId === id);
    expect(mine).toEqual([{ clockId: revision.id, ownerKind: 'case', ownerId: id, caseId: id, kind: 'revision', from: '2027-01-08', to: '2027-01-08', provisional: false }]);
    expect(await clockOf(id, 'municipalReview')).toEqual(paused);
    expect(await recomputeEvents(paused.id)).toEqual([]);
    expect((await armed(revision.id)).map((x) => x.purpose)).toEqual(['reminder', 'reminder', 'expiry']);
  });

  it('leaves a clock counted entirely within published 2026 untouched', async () => {
    await unpublish2027();
    await setNow('2026-06-01T10:00:00+08:00');
    const id = await w.submittedCase(await inRound2027());
    const before = await clockOf(id, 'municipalReview');
    expect(before).toMatchObject({ dueOn: '2026-06-15', provisional: false });
    const timersBefore = await armed(before.id);

    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body.recomputed.map((r) => r.caseId)).not.toContain(id);
    expect(await clockOf(id, 'municipalReview')).toEqual(before);
    expect(await armed(before.id)).toEqual(timersBefore);
    expect(await recomputeEvents(before.id)).toEqual([]);
  });

  it('recounts a clock written before counted_from existed from its start, and fills the columns in', async () => {
    await unpublish2027();
    const long = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], ...window2027, clockLengths: { ...defaultClockLengths, municipalReviewWorkingDays: 30 } });
    await setNow('2026-12-24T10:00:00+08:00');
    const id = await w.submittedCase({ roundId: long.id });
    const legacy = await clockOf(id, 'municipalReview');
    await t.app.db.update(clocks).set({ countedFrom: null, countedDays: null }).where(eq(clocks.id, legacy.id));
    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.body.recomputed).toContainEqual({ clockId: legacy.id, ownerKind: 'case', ownerId: id, caseId: id, kind: 'municipalReview', from: '2027-02-11', to: '2027-02-04', provisional: false });
    expect(await clockOf(id, 'municipalReview')).toMatchObject({ dueOn: '2027-02-04', countedFrom: '2026-12-24', countedDays: 30 });
  });

  it('recounts a legacy clock that was resumed from its resumption, not from its start', async () => {
    await unpublish2027();
    await setNow('2026-12-21T10:00:00+08:00');
    const id = await w.submittedCase(await inRound2027());
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充材料' }] }, w.tokens.municipal);
    await setNow('2026-12-28T10:00:00+08:00');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const resumed = await clockOf(id, 'municipalReview');
    // 10 working days given back on Monday 28 Dec; counting from the start (21 Dec) would give 5 Jan
    expect(resumed).toMatchObject({ status: 'running', dueOn: '2027-01-12', provisional: true });
    await t.app.db.update(clocks).set({ countedFrom: null, countedDays: null }).where(eq(clocks.id, resumed.id));
    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.body.recomputed).toContainEqual({ clockId: resumed.id, ownerKind: 'case', ownerId: id, caseId: id, kind: 'municipalReview', from: '2027-01-12', to: '2027-01-12', provisional: false });
    expect(await clockOf(id, 'municipalReview')).toMatchObject({ countedFrom: '2026-12-28', countedDays: 10 });
  });

  it('puts right, in its second pass, a deadline counted on a stale calendar after the edit', async () => {
    await unpublish2027();
    await setNow('2026-12-24T10:00:00+08:00');
    const id = await w.submittedCase(await inRound2027());
    expect((await put(2027, { published: true, days: schedule2027 }, w.tokens.admin)).status).toBe(200);
    const right = await clockOf(id, 'municipalReview');
    // as if another process, still holding the old calendar, had counted it just after the edit
    await t.app.db.update(clocks).set({ dueOn: '2027-01-11', provisional: true }).where(eq(clocks.id, right.id));
    expect(await recountYear(t.app, 2027)).toBe(1);
    expect(await clockOf(id, 'municipalReview')).toMatchObject({ dueOn: right.dueOn, provisional: false });
  });

  it('recounts nothing when the same schedule is loaded twice', async () => {
    expect((await put(2027, { published: true, days: schedule2027 }, w.tokens.admin)).status).toBe(200);
    const again = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(again.status).toBe(200);
    expect(again.body.recomputed).toEqual([]);
  });

  it('expires at once a review whose recounted deadline has already passed', async () => {
    await unpublish2027();
    await setNow('2027-03-01T10:00:00+08:00');
    const id = await w.submittedCase(await inRound2027());
    const before = await clockOf(id, 'municipalReview');
    expect(before).toMatchObject({ dueOn: '2027-03-15', provisional: true });
    await setNow('2027-03-15T10:00:00+08:00');
    // two Saturdays worked bring the 10th working day back to Friday 12 March
    const days = [...schedule2027, ...worked('调休', '2027-03-06', '2027-03-13')].sort((a, b) => (a.date < b.date ? -1 : 1));
    const res = await put(2027, { published: true, days }, w.tokens.admin);
    expect(res.body.recomputed).toContainEqual({ clockId: before.id, ownerKind: 'case', ownerId: id, caseId: id, kind: 'municipalReview', from: '2027-03-15', to: '2027-03-12', provisional: false });
    const [expiry, ...others] = await armed(before.id);
    expect(others).toEqual([]);
    expect(expiry?.purpose).toBe('expiry');
    expect(await fireTimer(t.app, expiry?.id ?? '')).toBe(true);
    expect(await clockOf(id, 'municipalReview')).toMatchObject({ status: 'expired', overdue: true });
  });
});

describe('PUT /admin/calendar/:year storing the schedule', () => {
  it("replaces the year's rows and flag, marks them as the administrator's and names who changed them", async () => {
    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.body).toMatchObject({ year: 2027, published: true, changedBy: { id: w.people.admin.id } });
    expect(res.body.days).toEqual(schedule2027.map((d) => ({ ...d, source: 'admin' })));
    const smaller = await put(2027, { published: false, days: [{ date: '2027-01-01', kind: 'holiday' }] }, w.tokens.admin);
    expect(smaller.status).toBe(200);
    const read = await t.api.get<YearAnswer>('/admin/calendar/2027', w.tokens.admin);
    expect(read.body).toEqual({ year: 2027, published: false, days: [{ date: '2027-01-01', kind: 'holiday', name: null, source: 'admin' }], provisional: true, statutoryDays: statutory2027 });
  });

  it('keeps the official source of the days it leaves as they were, and marks only the days added or changed as the administrator\'s', async () => {
    // 2025: official, published, and no running deadline of this file counts over it
    const official = (await t.api.get<YearAnswer>('/admin/calendar/2025', w.tokens.admin)).body;
    expect(official.days.length).toBeGreaterThan(10);
    expect(official.days.every((d) => d.source === 'official')).toBe(true);
    const [first, second, ...rest] = official.days.map(({ source: _, ...d }) => d);
    if (!first || !second) throw new Error('no 2025 schedule');
    const added = day('2025-12-29', 'holiday', '调休');
    const res = await put(2025, { published: true, days: [first, { ...second, name: '改名的假日' }, ...rest, added] }, w.tokens.admin);
    expect(res.status).toBe(200);
    const sources = Object.fromEntries(res.body.days.map((d) => [d.date, d.source]));
    expect(sources[added.date]).toBe('admin');
    expect(sources[second.date]).toBe('admin');
    expect(sources[first.date]).toBe('official');
    expect(rest.every((d) => sources[d.date] === 'official')).toBe(true);
  });

  it('refuses pointless, duplicate and out-of-year days with 422 and every reason, and changes nothing', async () => {
    await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    const bad = [
      day('2027-01-01', 'holiday', '元旦'),
      day('2027-01-04', 'workday', '周一'), // a Monday is worked anyway
      day('2026-12-31', 'holiday', '跨年'),
      day('2027-01-02', 'holiday', '元旦'), // a Saturday is off anyway
      day('2027-01-01', 'holiday', '元旦'),
    ];
    const res = await put(2027, { published: true, days: bad }, w.tokens.admin);
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.path, e.code])).toEqual([
      ['days.1.kind', 'calendar.pointless_workday'],
      ['days.2.date', 'calendar.other_year'],
      ['days.3.kind', 'calendar.pointless_holiday'],
      ['days.4.date', 'calendar.duplicate'],
    ]);
    expect(res.body.errors?.every((e) => (e.messageZh ?? '').length > 0)).toBe(true);
    const read = await t.api.get<YearAnswer>('/admin/calendar/2027', w.tokens.admin);
    expect(read.body).toMatchObject({ published: true, days: schedule2027.map((d) => ({ ...d, source: 'admin' })) });
  });

  it('refuses a malformed body or a year outside 2000–2100 with 400', async () => {
    const ok = { published: true, days: [] };
    for (const year of ['1999', '2101', '27', 'next']) {
      const res = await put(year, ok, w.tokens.admin);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.path).toBe('params.year');
    }
    expect((await put(2027, { days: [] }, w.tokens.admin)).status).toBe(400);
    expect((await put(2027, { ...ok, days: [{ date: '2027-02-30', kind: 'holiday' }] }, w.tokens.admin)).status).toBe(400);
    expect((await put(2027, { ...ok, days: [{ date: '2027-02-08', kind: 'vacation' }] }, w.tokens.admin)).status).toBe(400);
    expect((await put(2027, { ...ok, days: [{ date: '2027-02-08', kind: 'holiday', extra: 1 }] }, w.tokens.admin)).status).toBe(400);
    // a day without its date: the field's own words, and in Chinese that it is required, not of the wrong type
    const undated = await put(2027, { ...ok, days: [{ kind: 'holiday' }] }, w.tokens.admin);
    expect(undated.status).toBe(400);
    expect(undated.body.errors).toEqual([expect.objectContaining({ path: 'days.0.date', message: 'must be a date as YYYY-MM-DD', messageZh: '此项必填' })]);
    const tooMany = Array.from({ length: 101 }, () => day('2027-02-08', 'holiday', '春节'));
    expect((await put(2027, { ...ok, days: tooMany }, w.tokens.admin)).status).toBe(400);
  });
});

describe('a year whose schedule is not loaded', () => {
  it('answers that its deadlines are provisional and lists the statutory holidays they are counted on', async () => {
    await unpublish2027();
    for (const token of [w.tokens.admin, w.tokens.provincial]) {
      const res = await t.api.get<YearAnswer>('/admin/calendar/2027', token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ year: 2027, published: false, days: [], provisional: true, statutoryDays: statutory2027 });
    }
  });

  it('lists the statutory days even where rows were entered, as those count only once the year is published', async () => {
    const res = await put(2027, { published: false, days: schedule2027 }, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ published: false, provisional: true, statutoryDays: statutory2027 });
    expect(res.body.days).toHaveLength(schedule2027.length);
  });

  it('is no longer provisional once published, and lists no statutory days', async () => {
    const res = await put(2027, { published: true, days: schedule2027 }, w.tokens.admin);
    expect(res.body).toMatchObject({ published: true, provisional: false, statutoryDays: [] });
    expect((await t.api.get<YearAnswer>('/admin/calendar/2027', w.tokens.admin)).body).toMatchObject({ provisional: false, statutoryDays: [] });
  });

  it('answers for the last year it takes, beyond the lunar tables, without statutory days rather than failing', async () => {
    const res = await t.api.get<YearAnswer>('/admin/calendar/2100', w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ year: 2100, published: false, days: [], provisional: true, statutoryDays: [] });
    // the last year the tables cover still lists its festivals
    const last = await t.api.get<YearAnswer>('/admin/calendar/2099', w.tokens.admin);
    expect(last.status).toBe(200);
    expect(last.body.statutoryDays.map((d) => d.name)).toContain('春节');
  });

  it('documents provisional and statutoryDays in the OpenAPI schema of the answer', async () => {
    const doc = await t.api.get<{ components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } }>('/openapi.json');
    const schema = doc.body.components.schemas.CalendarYearSchedule;
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['provisional', 'statutoryDays']));
    expect(schema?.required).toEqual(expect.arrayContaining(['provisional', 'statutoryDays']));
  });
});

describe('access to the calendar', () => {
  it('shows an administrator and a provincial reviewer the official 2026 schedule', async () => {
    for (const token of [w.tokens.admin, w.tokens.provincial]) {
      const res = await t.api.get<YearAnswer>('/admin/calendar/2026', token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ year: 2026, published: true });
      expect(res.body.days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节', source: 'official' });
    }
    expect((await t.api.get<YearAnswer>('/admin/calendar/2090', w.tokens.admin)).body).toEqual({
      year: 2090,
      published: false,
      days: [],
      provisional: true,
      statutoryDays: expect.arrayContaining([day('2090-05-01', 'holiday', '劳动节'), day('2090-10-03', 'holiday', '国庆节')]),
    });
  });

  it('refuses reading to every other role with 403 and to anonymous callers with 401', async () => {
    for (const role of ['firm', 'municipal', 'expert', 'insurer', 'finance'] as const) {
      expect((await t.api.get('/admin/calendar/2026', w.tokens[role])).status).toBe(403);
    }
    expect((await t.api.get('/admin/calendar/2026')).status).toBe(401);
  });

  it('refuses changes to every role but admin with 403, to anonymous callers with 401, and keeps the year', async () => {
    const before = await t.api.get<YearAnswer>('/admin/calendar/2028', w.tokens.admin);
    const body = { published: true, days: [day('2028-01-03', 'holiday', '元旦')] };
    for (const role of ['firm', 'otherFirm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const) {
      expect((await put(2028, body, w.tokens[role])).status).toBe(403);
    }
    expect((await put(2028, body)).status).toBe(401);
    expect((await t.api.get<YearAnswer>('/admin/calendar/2028', w.tokens.admin)).body).toEqual(before.body);
    expect(before.body).toEqual({ year: 2028, published: false, days: [], provisional: true, statutoryDays: expect.arrayContaining([day('2028-01-01', 'holiday', '元旦')]) });
  });
});
