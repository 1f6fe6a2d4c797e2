import { describe, expect, it } from 'vitest';
import { sweepDue } from '../../server/engine/timers';
import { SettableClock } from '../../server/clock';
import { useTestApp } from '../support/use-app';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { shanghaiDate } from '../../server/calendar/workdays';

const DAY = 86_400_000;

interface Task {
  caseId: string;
  state: string;
  task: string;
  due: { kind: string; dueAt: string; overdue: boolean } | null;
}
interface Page {
  items: Task[];
  nextCursor: string | null;
}

// its own database: the inbox of a provincial reviewer covers every case
const { t, w } = useTestApp({ ownDatabase: true });

const inbox = async (token: string, query = '') => (await t.api.get<Page>(`/tasks${query}`, token)).body;

describe('GET /tasks', () => {
  it("puts a submitted case in its city reviewers' inbox with the review deadline, and nowhere else in the city", async () => {
    const id = await w.submittedCase();
    const mine = await inbox(w.tokens.municipal);
    expect(mine.items).toContainEqual(expect.objectContaining({ caseId: id, state: 'municipal', task: 'municipal review', due: expect.objectContaining({ kind: 'municipalReview', overdue: false }) }));
    expect((await inbox(w.tokens.otherMunicipal)).items.map((i) => i.caseId)).not.toContain(id);
    expect((await inbox(w.tokens.provincial)).items.map((i) => i.caseId)).not.toContain(id);
    expect((await inbox(w.tokens.insurer)).items).toContainEqual(expect.objectContaining({ caseId: id, task: 'verify the policy', due: null }));
    expect((await inbox(w.tokens.otherInsurer)).items.map((i) => i.caseId)).not.toContain(id);
  });

  it('gives the firm its drafts and its returned applications with the revision deadline', async () => {
    const draft = await w.createCase();
    const returned = await w.submittedCase();
    await t.api.post(`/cases/${returned}/events`, { type: 'RETURN', reasons: [{ message: '补充发票' }] }, w.tokens.municipal);
    const items = (await inbox(w.tokens.firm)).items;
    // a draft is due when its round stops taking submissions (2027-12-31 23:59:59 Beijing time)
    expect(items).toContainEqual(
      expect.objectContaining({
        caseId: draft,
        state: 'draft',
        due: { kind: 'roundClosing', dueOn: '2027-12-31', dueAt: '2027-12-31T15:59:59.000Z', overdue: false, provisional: false, status: 'running', remainingWorkingDays: expect.any(Number) },
      }),
    );
    expect(items).toContainEqual(expect.objectContaining({ caseId: returned, state: 'revision', due: expect.objectContaining({ kind: 'revision' }) }));
    // the sooner deadline first: the revision's working days before the round's closing
    expect(items.findIndex((i) => i.caseId === returned)).toBeLessThan(items.findIndex((i) => i.caseId === draft));
    expect((await inbox(w.tokens.otherFirm)).items.map((i) => i.caseId)).not.toContain(draft);
  });

  it("dates a draft by its round's last day, and drops it once the round has closed", async () => {
    const draft = await w.createCase();
    const returned = await w.submittedCase();
    await t.api.post(`/cases/${returned}/events`, { type: 'RETURN', reasons: [{ message: '补充发票' }] }, w.tokens.municipal);
    const now = t.app.clock.now();
    // closing at midnight Beijing time: the last day to submit is the day before
    const closes = new Date(Date.parse(`${shanghaiDate(new Date(now.getTime() + 2 * DAY))}T00:00:00+08:00`));
    await t.app.db.update(rounds).set({ closesAt: closes }).where(eq(rounds.id, w.round.id));
    try {
      const due = (await inbox(w.tokens.firm)).items.find((i) => i.caseId === draft)?.due;
      expect(due).toMatchObject({ kind: 'roundClosing', dueOn: shanghaiDate(new Date(closes.getTime() - 1)), dueAt: closes.toISOString(), overdue: false });
      // now sooner than the revision's clock
      const items = (await inbox(w.tokens.firm)).items;
      expect(items.findIndex((i) => i.caseId === draft)).toBeLessThan(items.findIndex((i) => i.caseId === returned));
      // closing at 02:00 Beijing time, the evening before in UTC: the last day is the Beijing one
      const early = new Date(Date.parse(`${shanghaiDate(new Date(now.getTime() + 3 * DAY))}T02:00:00+08:00`));
      await t.app.db.update(rounds).set({ closesAt: early }).where(eq(rounds.id, w.round.id));
      expect((await inbox(w.tokens.firm)).items.find((i) => i.caseId === draft)?.due).toMatchObject({ kind: 'roundClosing', dueOn: shanghaiDate(early), dueAt: early.toISOString() });
      // at the closing moment SUBMIT is refused, and the draft is no longer a task; a returned application still is
      await t.app.db.update(rounds).set({ closesAt: now }).where(eq(rounds.id, w.round.id));
      const after = (await inbox(w.tokens.firm)).items.map((i) => i.caseId);
      expect(after).not.toContain(draft);
      expect(after).toContain(returned);
      expect((await t.api.post(`/cases/${draft}/events`, { type: 'SUBMIT' }, w.tokens.firm)).status).toBe(422);
    } finally {
      await t.app.db.update(rounds).set({ closesAt: w.round.closesAt }).where(eq(rounds.id, w.round.id));
    }
  });

  it("drops a draft once the server's clock has passed its round's closing", async () => {
    const draft = await w.createCase();
    expect((await inbox(w.tokens.firm)).items.map((i) => i.caseId)).toContain(draft);
    if (!(t.app.clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    // the settable clock, not the database's, says when the round has closed
    await t.app.clock.set(new Date(w.round.closesAt.getTime() + 60_000));
    try {
      expect((await inbox(w.tokens.firm)).items.map((i) => i.caseId)).not.toContain(draft);
      expect((await t.api.post(`/cases/${draft}/events`, { type: 'SUBMIT' }, w.tokens.firm)).status).toBe(422);
    } finally {
      await t.app.clock.set(new Date());
    }
  });

  it('moves the case to the provincial inbox once the city approves', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal);
    expect((await inbox(w.tokens.municipal)).items.map((i) => i.caseId)).not.toContain(id);
    expect((await inbox(w.tokens.provincial)).items).toContainEqual(expect.objectContaining({ caseId: id, due: expect.objectContaining({ kind: 'provincialReview' }) }));
  });

  it('marks a review overdue once its deadline has passed', async () => {
    const id = await w.submittedCase();
    const due = (await inbox(w.tokens.municipal)).items.find((i) => i.caseId === id)?.due?.dueAt ?? '';
    if (!(t.app.clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    await t.app.clock.set(new Date(Date.parse(due) + 60_000));
    await sweepDue(t.app);
    expect((await inbox(w.tokens.municipal)).items.find((i) => i.caseId === id)?.due).toMatchObject({ overdue: true });
  });

  it('pages through the inbox with a cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i++) await w.createCase();
    const all = (await inbox(w.tokens.firm, '?limit=100')).items.map((i) => i.caseId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await inbox(w.tokens.firm, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.caseId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await t.api.get('/tasks?cursor=garbage', w.tokens.firm)).status).toBe(400);
    const forged = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    expect((await t.api.get(`/tasks?cursor=${forged({ due: '1', id: w.firm.id })}`, w.tokens.firm)).status).toBe(400);
    expect((await t.api.get(`/tasks?cursor=${forged({ due: '2026-01-01T00:00:00.000Z', id: '-'.repeat(36) })}`, w.tokens.firm)).status).toBe(400);
    // a date no calendar has is a cursor this server never gave out, not text it cannot store
    for (const due of ['2026-02-30T00:00:00.000Z', '2026-04-31T08:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      const res = await t.api.get<{ detail: string; errors: { path: string }[] }>(`/tasks?cursor=${forged({ due, id: w.firm.id })}`, w.tokens.firm);
      expect(res.status, due).toBe(400);
      expect(res.body, due).toMatchObject({ detail: 'the cursor is not one this server gave out', errors: [{ path: 'query.cursor' }] });
    }
  });

  it('is empty for roles with nothing to do here, and needs a sign-in', async () => {
    for (const role of ['admin', 'finance', 'expert'] as const) expect((await inbox(w.tokens[role])).items, role).toEqual([]);
    expect((await t.api.get('/tasks')).status).toBe(401);
  });
});
