import { describe, expect, it } from 'vitest';
import { fireTimer, sweepDue } from '../../server/engine/timers';
import { factoryDates, makeUser, randomUscc } from '../../seeds/factories';
import { runOutExpertClock } from '../support/clock-rows';
import { SettableClock } from '../../server/clock';
import { useTestApp } from '../support/use-app';
import { and, eq } from 'drizzle-orm';
import { clocks, enterprises, rounds, timers } from '../../db/schema';
import { PASSING_SCORES } from '../support/world';
import { addCalendarDays, shanghaiDate, subtractWorkingDays, workingDaysBetween } from '../../server/calendar/workdays';
import { wholeInbox } from '../support/inbox';

const DAY = 86_400_000;

interface Task {
  caseId: string;
  state: string;
  task: string;
  taskZh: string;
  due: { kind: string; dueOn: string; dueAt: string; overdue: boolean; dueSoon: boolean; status: string; remainingWorkingDays: number } | null;
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
    // a draft is due when its round stops taking submissions (31 December of next year, 23:59:59 Beijing time)
    expect(items).toContainEqual(
      expect.objectContaining({
        caseId: draft,
        state: 'draft',
        due: { kind: 'roundClosing', dueOn: `${factoryDates.year + 1}-12-31`, dueAt: `${factoryDates.year + 1}-12-31T15:59:59.000Z`, overdue: false, dueSoon: false, provisional: false, status: 'running', remainingWorkingDays: expect.any(Number) },
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

  it("counts the working days left to a review's due date on the clocks' calendar, due soon from 2 working days before", async () => {
    const id = await w.submittedCase();
    const dueOn = (await inbox(w.tokens.municipal, '?limit=100')).items.find((i) => i.caseId === id)?.due?.dueOn ?? '';
    const calendar = await t.app.calendar.get(t.app.db);
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const dueThen = async (day: string) => {
      await clock.set(new Date(`${day}T10:00:00+08:00`));
      return (await inbox(w.tokens.municipal, '?limit=100')).items.find((i) => i.caseId === id)?.due;
    };
    try {
      for (const [before, dueSoon] of [[3, false], [2, true], [1, true]] as const) {
        const day = subtractWorkingDays(dueOn, before, calendar).date;
        expect(await dueThen(day), `${before} working days before`).toMatchObject({ remainingWorkingDays: before, dueSoon, overdue: false });
        // the same count as the clocks', over whatever weekends and holidays lie between
        expect(workingDaysBetween(day, dueOn, calendar)).toBe(before);
      }
      expect(await dueThen(dueOn)).toMatchObject({ remainingWorkingDays: 0, dueSoon: true, overdue: false });
      // once overdue it is marked so, and no longer due soon
      await t.app.db.update(clocks).set({ overdue: true }).where(eq(clocks.ownerId, id));
      expect(await dueThen(dueOn)).toMatchObject({ remainingWorkingDays: 0, dueSoon: false, overdue: true });
      // a paused clock keeps the working days it had left, and is not due soon however near its old date
      await t.app.db.update(clocks).set({ overdue: false, status: 'paused', remainingWorkingDays: 4 }).where(eq(clocks.ownerId, id));
      expect(await dueThen(dueOn)).toMatchObject({ status: 'paused', remainingWorkingDays: 4, dueSoon: false });
    } finally {
      await clock.set(was);
    }
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

  it('puts the older of tasks due alike first, whatever their ids', async () => {
    // drafts of one round are all due at its closing; each made a minute before the one made before
    // it, until the oldest has the higher id of the oldest two, so that the id order cannot pass for the age order
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const made: string[] = [];
    try {
      for (let i = 1; i <= 24 && (made.length < 4 || (made.at(-1) ?? '') < (made.at(-2) ?? '')); i++) {
        await clock.set(new Date(was.getTime() - i * 60_000));
        made.push(await w.createCase());
      }
    } finally {
      await clock.set(was);
    }
    const oldestFirst = [...made].reverse();
    expect(oldestFirst).not.toEqual([...made].sort());
    const items = (await wholeInbox<Task>(t.api, w.tokens.firm)).filter((i) => made.includes(i.caseId));
    expect(new Set(items.map((i) => i.due?.dueAt)).size).toBe(1);
    expect(items.map((i) => i.caseId)).toEqual(oldestFirst);
  });

  it('dates a task by when its case entered the state it waits in, not by a later edit of it', async () => {
    // two drafts due alike: the older, edited after the younger was made, still comes first
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    let older: string, younger: string;
    try {
      await clock.set(new Date(was.getTime() - 2 * 60_000));
      older = await w.createCase();
      await clock.set(new Date(was.getTime() - 60_000));
      younger = await w.createCase();
    } finally {
      await clock.set(was);
    }
    const edited = await t.api.patch(`/cases/${older}`, { contract: { amount: '300000.00' } }, w.tokens.firm, { 'If-Match': '"1"' });
    expect(edited.status).toBe(200);
    const history = await t.api.get<{ items: { eventType: string }[] }>(`/cases/${older}/history`, w.tokens.firm);
    expect(history.body.items.at(-1)).toMatchObject({ eventType: 'EDIT' });
    const items = (await wholeInbox<Task>(t.api, w.tokens.firm)).filter((i) => i.caseId === older || i.caseId === younger);
    expect(items.map((i) => i.caseId)).toEqual([older, younger]);
  });

  it('refuses a cursor given out before the inbox was ordered by when its tasks began waiting', async () => {
    await w.createCase();
    const forged = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const page = await inbox(w.tokens.firm, '?limit=1');
    expect(page.nextCursor).not.toBeNull();
    const given = JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString()) as { due: string; since: string; id: string };
    expect(Object.keys(given).sort()).toEqual(['due', 'id', 'since']);
    for (const cursor of [{ due: given.due, id: given.id }, { ...given, since: 'yesterday' }, { ...given, since: '2026-02-30T00:00:00.000Z' }, { ...given, since: null }]) {
      const res = await t.api.get<{ detail: string; errors: { path: string; messageZh: string }[] }>(`/tasks?cursor=${forged(cursor)}`, w.tokens.firm);
      expect(res.status, JSON.stringify(cursor)).toBe(400);
      expect(res.body).toMatchObject({ detail: 'the cursor is not one this server gave out', errors: [{ path: 'query.cursor', messageZh: '分页游标无效' }] });
    }
  });

  it("refuses taking a case awaiting the public notice, which is done on the notice publishing page, while the provincial reviewer's other tasks are taken", async () => {
    const id = await w.caseIn('awaitingNotice');
    const task = (await wholeInbox<Task & { via: string | null; claimedBy: unknown }>(t.api, w.tokens.provincial)).find((i) => i.caseId === id);
    expect(task).toMatchObject({ task: 'publish the public notice', taskZh: '发布公示', via: 'notice', claimedBy: null });
    const refused = await t.api.post<{ detail: string; errors: { path: string; message: string; messageZh: string }[] }>(`/tasks/${id}/claim`, {}, w.tokens.provincial);
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([{ path: 'task', message: 'this task is done by publishing a public notice on the notices page, not taken', messageZh: '此任务在公示发布页面办理，无需领取' }]);
    expect((await wholeInbox<Task & { claimedBy: unknown }>(t.api, w.tokens.provincial)).find((i) => i.caseId === id)?.claimedBy).toBeNull();
    // a case in the provincial review is still taken; the notice's task is nobody else's to take either
    const reviewing = await w.caseIn('provincial');
    expect((await t.api.post(`/tasks/${reviewing}/claim`, {}, w.tokens.provincial)).status).toBe(200);
    expect((await t.api.delete(`/tasks/${reviewing}/claim`, w.tokens.provincial)).status).toBe(204);
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal)).status).toBe(409);
    for (const role of ['firm', 'expert', 'admin'] as const) expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens[role])).status, role).toBe(403);
  });

  it('is empty for roles with nothing to do here, and needs a sign-in', async () => {
    for (const role of ['admin', 'finance', 'expert'] as const) expect((await inbox(w.tokens[role])).items, role).toEqual([]);
    expect((await t.api.get('/tasks')).status).toBe(401);
  });
});

describe('the provincial inbox in the experts\' step', () => {
  const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post(`/cases/${id}/events`, body, token);
  const provincialTask = async (id: string) => (await inbox(w.tokens.provincial, '?limit=100')).items.find((i) => i.caseId === id);

  /** A case whose panel of `n` experts has been assigned. */
  async function underReview(n = 3) {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(n);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    return { id, panel };
  }

  it("puts a case with an expert past their own deadline in the provincial inbox, overdue by that expert's date, and in no other role's", async () => {
    const { id, panel } = await underReview();
    const [late, punctual] = panel;
    if (!late || !punctual) throw new Error('no panel');
    expect(await provincialTask(id)).toBeUndefined();
    const dueOn = await runOutExpertClock(t.app, id, late.user.id);

    expect(await provincialTask(id)).toMatchObject({
      caseId: id,
      state: 'expert',
      task: 'replace overdue experts',
      taskZh: '替换超期专家',
      due: { kind: 'expertReview', dueOn, overdue: true, status: 'expired' },
    });
    // each expert keeps their own task, the late one marked overdue; nobody else is given one
    expect((await inbox(late.token)).items.filter((i) => i.caseId === id)).toEqual([expect.objectContaining({ task: 'expert review', due: expect.objectContaining({ overdue: true }) })]);
    expect((await inbox(punctual.token)).items.filter((i) => i.caseId === id)).toEqual([expect.objectContaining({ task: 'expert review', due: expect.objectContaining({ overdue: false }) })]);
    for (const who of ['municipal', 'insurer', 'finance', 'firm', 'expert', 'admin'] as const) expect((await inbox(w.tokens[who], '?limit=100')).items.map((i) => i.caseId), who).not.toContain(id);

    // replaced, the late expert is no longer anybody's task
    const [fresh] = await w.makeExperts(1);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: late.user.id })).status).toBe(200);
    expect(await provincialTask(id)).toBeUndefined();
  });

  it('dates the task by the earliest of several late experts, and drops it once the late ones have scored', async () => {
    const { id, panel } = await underReview();
    const [first, second] = panel;
    if (!first || !second) throw new Error('no panel');
    await runOutExpertClock(t.app, id, first.user.id);
    // the second expert's clock, started a moment later, runs out a week later
    const [own] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.assigneeId, second.user.id)));
    if (!own) throw new Error('no clock');
    const week = 7 * 86_400_000;
    await t.app.db
      .update(clocks)
      .set({ dueOn: new Date(Date.parse(`${own.dueOn}T00:00:00Z`) + week).toISOString().slice(0, 10), dueAt: new Date(own.dueAt.getTime() + week), startedAt: new Date(own.startedAt.getTime() + 1000) })
      .where(eq(clocks.id, own.id));
    const firstDue = (await provincialTask(id))?.due?.dueOn;
    await runOutExpertClock(t.app, id, second.user.id);
    expect((await provincialTask(id))?.due).toMatchObject({ dueOn: firstDue, overdue: true });

    for (const e of [first, second]) {
      expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
      expect((await send(id, e.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '迟到的评分' })).status).toBe(200);
    }
    expect(await provincialTask(id)).toBeUndefined();
  });

  it('drops the task when the step ends with a late expert still unheard', async () => {
    const { id, panel } = await underReview(4);
    const [late, ...others] = panel;
    if (!late) throw new Error('no panel');
    await runOutExpertClock(t.app, id, late.user.id);
    expect((await provincialTask(id))?.task).toBe('replace overdue experts');
    for (const e of others) {
      expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
      expect((await send(id, e.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '好' })).status).toBe(200);
    }
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.provincial)).body.state).toBe('awaitingNotice');
    expect((await provincialTask(id))?.task).toBe('publish the public notice');
  });

  it('puts a case whose declining experts leave the panel short of its quorum in the provincial inbox, until they are replaced', async () => {
    const { id, panel } = await underReview();
    const [leaving] = panel;
    if (!leaving) throw new Error('no panel');
    expect((await send(id, leaving.token, { type: 'DECLINE_ASSIGNMENT', reason: '与企业存在合作', conflictOfInterest: true })).status).toBe(200);
    expect(await provincialTask(id)).toMatchObject({ state: 'expert', task: 'replace experts who declined', taskZh: '替换谢绝评审的专家', due: null });
    for (const who of ['municipal', 'finance', 'firm'] as const) expect((await inbox(w.tokens[who], '?limit=100')).items.map((i) => i.caseId), who).not.toContain(id);
    const [fresh] = await w.makeExperts(1);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: leaving.user.id })).status).toBe(200);
    expect(await provincialTask(id)).toBeUndefined();
  });

  it('leaves out a case whose panel still reaches its quorum after an expert declined', async () => {
    const { id, panel } = await underReview(4);
    const [leaving] = panel;
    expect((await send(id, leaving?.token ?? '', { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: false })).status).toBe(200);
    expect(await provincialTask(id)).toBeUndefined();
  });
});

describe("finance's disbursement batches in the inbox", () => {
  interface BatchTask {
    caseId: string | null;
    claimId: string | null;
    batchId: string | null;
    number: string;
    state: string;
    task: string;
    taskZh: string;
    firmName: string | null;
    materialName: string | null;
    due: { kind: string; dueOn: string; overdue: boolean; status: string } | null;
    claimedBy: unknown;
  }
  interface Batch {
    id: string;
    number: string;
    cases: { caseId: string; amount: string }[];
    payment: { dueOn: string } | null;
  }
  const batchTasks = async (token: string) => (await t.api.get<{ items: BatchTask[] }>('/tasks?limit=100', token)).body.items.filter((i) => i.batchId !== null);
  const batchEvent = async (id: string, event: Record<string, unknown>, token: string) => {
    const res = await t.api.post<Batch>(`/disbursements/${id}/events`, event, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  /** A batch of one approved case, made by `finance` and submitted by `submitter`. */
  async function submittedBatch(submitter = w.tokens.finance): Promise<Batch> {
    const caseId = await w.caseIn('approved');
    const made = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds: [caseId] }, w.tokens.finance);
    expect(made.status).toBe(201);
    return batchEvent(made.body.id, { type: 'SUBMIT' }, submitter);
  }
  const third = async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'], name: '财务三' });
    return t.api.login(user.email);
  };

  it('asks the finance user who made a draft batch to submit it, and nobody else, until it is submitted or cancelled', async () => {
    const made = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds: [await w.caseIn('approved')] }, w.tokens.finance);
    expect(made.status).toBe(201);
    const batch = made.body;
    const taskOf = async (token: string) => (await wholeInbox<BatchTask>(t.api, token)).filter((i) => i.batchId === batch.id);
    const expected = {
      caseId: null,
      roundId: w.round.id,
      claimId: null,
      batchId: batch.id,
      proRataId: null,
      number: batch.number,
      state: 'draft',
      task: 'submit the disbursement batch',
      taskZh: '提交拨付批次',
      via: null,
      // one payment, to the world's firm: named, counted and summed
      firmName: w.firm.name,
      batch: { payments: 1, total: batch.cases[0]?.amount },
      materialName: null,
      proRata: null,
      due: null,
      claimedBy: null,
    };
    expect(await taskOf(w.tokens.finance)).toEqual([expected]);
    // any finance user may submit it, but it is its maker's work: in no other inbox
    expect(await taskOf(w.tokens.finance2)).toEqual([]);
    expect(await taskOf(await third())).toEqual([]);
    for (const who of ['provincial', 'municipal', 'insurer', 'firm', 'expert', 'admin'] as const) expect(await taskOf(w.tokens[who]), who).toEqual([]);

    // submitted, it leaves the maker's inbox for the approvers'
    await batchEvent(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    expect(await taskOf(w.tokens.finance)).toEqual([]);
    expect((await taskOf(w.tokens.finance2)).map((i) => i.state)).toEqual(['submitted']);
    // returned, it is its maker's to submit again, whoever returned it
    await batchEvent(batch.id, { type: 'RETURN', reason: '收款账户待核对' }, w.tokens.finance2);
    expect(await taskOf(w.tokens.finance)).toEqual([expected]);
    expect(await taskOf(w.tokens.finance2)).toEqual([]);
    // cancelled, it is nobody's
    await batchEvent(batch.id, { type: 'CANCEL', reason: '重复创建' }, w.tokens.finance);
    expect(await taskOf(w.tokens.finance)).toEqual([]);
    expect(await taskOf(w.tokens.finance2)).toEqual([]);
  });

  it('drops the draft from its maker\'s inbox when another finance user submits it', async () => {
    const made = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds: [await w.caseIn('approved')] }, w.tokens.finance);
    expect(made.status).toBe(201);
    expect((await batchTasks(w.tokens.finance)).map((i) => [i.batchId, i.taskZh])).toContainEqual([made.body.id, '提交拨付批次']);
    await batchEvent(made.body.id, { type: 'SUBMIT' }, w.tokens.finance2);
    expect((await wholeInbox<BatchTask>(t.api, w.tokens.finance)).map((i) => i.batchId)).not.toContain(made.body.id);
  });

  it("asks every finance user but its creator to approve a submitted batch, and nobody of another role", async () => {
    const batch = await submittedBatch();
    expect((await batchTasks(w.tokens.finance)).map((i) => i.batchId)).not.toContain(batch.id);
    const expected = {
      caseId: null,
      roundId: w.round.id,
      claimId: null,
      batchId: batch.id,
      proRataId: null,
      number: batch.number,
      state: 'submitted',
      task: 'approve the disbursement batch',
      taskZh: '审批拨付批次',
      via: null,
      // one payment, to the world's firm: named, counted and summed
      firmName: w.firm.name,
      batch: { payments: 1, total: batch.cases[0]?.amount },
      materialName: null,
      proRata: null,
      due: null,
      claimedBy: null,
    };
    expect((await batchTasks(w.tokens.finance2)).filter((i) => i.batchId === batch.id)).toEqual([expected]);
    expect((await batchTasks(await third())).filter((i) => i.batchId === batch.id)).toEqual([expected]);
    // nor is it the task of a finance user related to a firm it pays (the relation rule refuses them the approval)
    const related = await makeUser(t.app.db, { roles: ['finance'], affiliations: [w.firm.uscc] });
    const relatedToken = await t.api.login(related.email);
    expect((await t.api.post(`/disbursements/${batch.id}/events`, { type: 'APPROVE' }, relatedToken)).status).toBe(403);
    expect(await batchTasks(relatedToken)).toEqual([]);
    // the provincial reviewers read batches, but act on none
    for (const who of ['provincial', 'municipal', 'insurer', 'firm', 'expert', 'admin'] as const) expect(await batchTasks(w.tokens[who]), who).toEqual([]);

    // returned to its draft, it is nobody's to approve
    await batchEvent(batch.id, { type: 'RETURN', reason: '收款账户待核对' }, w.tokens.finance2);
    expect((await batchTasks(w.tokens.finance2)).map((i) => i.batchId)).not.toContain(batch.id);
  });

  it('leaves the approval out of the inbox of whoever submitted the batch too', async () => {
    const batch = await submittedBatch(w.tokens.finance2);
    for (const token of [w.tokens.finance, w.tokens.finance2]) expect((await batchTasks(token)).map((i) => i.batchId)).not.toContain(batch.id);
    expect((await batchTasks(await third())).map((i) => i.batchId)).toContain(batch.id);
  });

  it("asks every finance user to record an approved batch's payments by its payment deadline, overdue once past it, until they are recorded", async () => {
    const submitted = await submittedBatch();
    const batch = await batchEvent(submitted.id, { type: 'APPROVE' }, w.tokens.finance2);
    const dueOn = batch.payment?.dueOn ?? '';
    for (const token of [w.tokens.finance, w.tokens.finance2]) {
      expect((await batchTasks(token)).filter((i) => i.batchId === batch.id)).toEqual([
        expect.objectContaining({ state: 'approved', task: 'record the payments', taskZh: '登记拨付结果', due: expect.objectContaining({ kind: 'payment', dueOn, overdue: false, status: 'running' }) }),
      ]);
    }
    expect(await batchTasks(w.tokens.provincial)).toEqual([]);

    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, batch.id), eq(timers.purpose, 'expiry')));
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry?.id ?? crypto.randomUUID()));
    expect(await fireTimer(t.app, expiry?.id ?? '')).toBe(true);
    expect((await batchTasks(w.tokens.finance)).find((i) => i.batchId === batch.id)?.due).toMatchObject({ dueOn, overdue: true, status: 'expired' });

    await batchEvent(batch.id, { type: 'SETTLE', payments: [{ caseId: batch.cases[0]?.caseId, reference: 'ICBC-0001', paidOn: shanghaiDate(t.app.clock.now()) }] }, w.tokens.finance);
    for (const token of [w.tokens.finance, w.tokens.finance2]) expect((await batchTasks(token)).map((i) => i.batchId)).not.toContain(batch.id);
  });

  it('pages through cases and batches together, soonest due first, without gaps or repeats', async () => {
    // cases to put into a batch (no deadline), a batch to approve (none) and one to pay (its payment clock)
    await w.caseIn('approved');
    await submittedBatch(await third());
    const paying = await submittedBatch();
    await batchEvent(paying.id, { type: 'APPROVE' }, w.tokens.finance2);
    const key = (i: BatchTask) => i.batchId ?? i.caseId ?? '';
    const all = (await inbox(w.tokens.finance2, '?limit=100')).items as unknown as BatchTask[];
    expect(all.some((i) => i.batchId === null)).toBe(true);
    expect(new Set(all.filter((i) => i.batchId !== null).map((i) => i.state))).toEqual(new Set(['submitted', 'approved']));
    // dated ones first
    const firstUndated = all.findIndex((i) => i.due === null);
    expect(all.slice(firstUndated).every((i) => i.due === null)).toBe(true);
    expect(all.findIndex((i) => i.batchId === paying.id)).toBeLessThan(firstUndated);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: BatchTask[]; nextCursor: string | null } = (await t.api.get<{ items: BatchTask[]; nextCursor: string | null }>(`/tasks?limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.finance2)).body;
      seen.push(...page.items.map(key));
      // a cursor that gives out a task again would page for ever
      expect(seen.length).toBeLessThanOrEqual(all.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map(key));
  });

  it('pages one task at a time through several batches, the dated one first, each batch once', async () => {
    // two batches to approve (no deadline) and one to pay (its payment clock): more than one page of each source
    const submitter = await third();
    const toApprove = [await submittedBatch(submitter), await submittedBatch(submitter)];
    const paying = await submittedBatch();
    await batchEvent(paying.id, { type: 'APPROVE' }, w.tokens.finance2);
    const key = (i: BatchTask) => i.batchId ?? i.caseId ?? '';
    const all = ((await inbox(w.tokens.finance2, '?limit=100')).items as unknown as BatchTask[]).map(key);
    for (const b of toApprove) expect(all.indexOf(paying.id)).toBeLessThan(all.indexOf(b.id));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: BatchTask[]; nextCursor: string | null } = (await t.api.get<{ items: BatchTask[]; nextCursor: string | null }>(`/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.finance2)).body;
      seen.push(...page.items.map(key));
      expect(seen.length).toBeLessThanOrEqual(all.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('lists tasks without a deadline oldest first across cases, claims and batches, and pages them one at a time each once', async () => {
    // one person with all three sources: finance (cases to put into a batch, batches to approve) and the insurer's staff (claims to decide)
    const both = await makeUser(t.app.db, { roles: ['finance', 'insurer'], insurerId: w.insurer.id });
    const token = await t.api.login(both.email);
    const submitter = await third();
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const today = shanghaiDate(was);
    // each task begins waiting a minute before the one made before it: the last made is the oldest
    const began = new Map<string, number>();
    let minutes = 0;
    const earlier = async () => {
      minutes += 1;
      await clock.set(new Date(was.getTime() - minutes * 60_000));
      return minutes;
    };
    const approved = async () => {
      const id = await w.caseIn('approved', { policy: { ...w.caseBody().policy, startsOn: addCalendarDays(today, -200), endsOn: addCalendarDays(today, 100), paidOn: addCalendarDays(today, -200) } });
      began.set(id, minutes);
      return id;
    };
    const submitted = async () => {
      const made = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds: [await w.caseIn('approved')] }, w.tokens.finance);
      expect(made.status).toBe(201);
      // waiting for approval from its submission, not from when it was made
      const at = await earlier();
      began.set((await batchEvent(made.body.id, { type: 'SUBMIT' }, submitter)).id, at);
    };
    const claimed = async (caseId: string) => {
      await earlier();
      const res = await t.api.post<{ id: string }>(`/cases/${caseId}/claims`, { occurredOn: addCalendarDays(today, -30), kind: 'quality', amount: '1000.00', description: '交付批次质量缺陷' }, w.tokens.firm);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      began.set(res.body.id, minutes);
    };
    try {
      await earlier();
      await approved();
      await submitted();
      await earlier();
      await claimed(await approved());
      await earlier();
      await approved();
      await submitted();
      await earlier();
      await claimed(await approved());
    } finally {
      await clock.set(was);
    }
    const key = (i: BatchTask) => i.batchId ?? i.claimId ?? i.caseId ?? '';
    const all = ((await inbox(token, '?limit=100')).items as unknown as BatchTask[]).map(key);
    expect(all.length).toBeLessThan(100);
    const mine = all.filter((id) => began.has(id));
    // the oldest first (most minutes before now), not in the order they were made nor by id
    const oldestFirst = [...began.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(mine).toEqual(oldestFirst);
    expect(new Set([...began.keys()].map((id) => all.includes(id)))).toEqual(new Set([true]));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: BatchTask[]; nextCursor: string | null } = (await t.api.get<{ items: BatchTask[]; nextCursor: string | null }>(`/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`, token)).body;
      seen.push(...page.items.map(key));
      expect(seen.length).toBeLessThanOrEqual(all.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('pages one claim at a time oldest first, each once, however their ids fall', async () => {
    // claims of one case, each reported a minute before the one reported before it, until the oldest
    // is not among the two lowest ids: a page of one must still find it first among them
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const today = shanghaiDate(was);
    const caseId = await w.caseIn('approved', { policy: { ...w.caseBody().policy, startsOn: addCalendarDays(today, -200), endsOn: addCalendarDays(today, 100), paidOn: addCalendarDays(today, -200) } });
    const made: string[] = [];
    const oldestLow = () => [...made].sort().slice(0, 2).includes(made.at(-1) ?? '');
    try {
      for (let i = 1; i <= 24 && (made.length < 3 || oldestLow()); i++) {
        await clock.set(new Date(was.getTime() - i * 60_000));
        const res = await t.api.post<{ id: string }>(`/cases/${caseId}/claims`, { occurredOn: addCalendarDays(today, -30), kind: 'quality', amount: '1000.00', description: '交付批次质量缺陷' }, w.tokens.firm);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        made.push(res.body.id);
      }
    } finally {
      await clock.set(was);
    }
    expect(oldestLow()).toBe(false);
    const key = (i: BatchTask) => i.claimId ?? i.caseId ?? '';
    const all = ((await inbox(w.tokens.insurer, '?limit=100')).items as unknown as BatchTask[]).map(key);
    expect(all.length).toBeLessThan(100);
    expect(all.filter((id) => made.includes(id))).toEqual([...made].reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: BatchTask[]; nextCursor: string | null } = (await t.api.get<{ items: BatchTask[]; nextCursor: string | null }>(`/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.insurer)).body;
      seen.push(...page.items.map(key));
      expect(seen.length).toBeLessThanOrEqual(all.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it("leaves a batch out of the inbox of a finance user related to a firm it pays through the firm's own affiliations", async () => {
    // the firm declares a related company; a finance user tied to that company is related to the firm (SPEC §2)
    const company = randomUscc();
    await t.app.db.update(enterprises).set({ affiliations: [company] }).where(eq(enterprises.id, w.firm.id));
    const related = await makeUser(t.app.db, { roles: ['finance'], affiliations: [company] });
    const relatedToken = await t.api.login(related.email);
    const batch = await submittedBatch();
    expect((await t.api.post(`/disbursements/${batch.id}/events`, { type: 'APPROVE' }, relatedToken)).status).toBe(403);
    expect((await batchTasks(relatedToken)).map((i) => i.batchId)).not.toContain(batch.id);
    // approved by another, its payments are not theirs to record either
    await batchEvent(batch.id, { type: 'APPROVE' }, w.tokens.finance2);
    expect((await batchTasks(relatedToken)).map((i) => i.batchId)).not.toContain(batch.id);
    expect((await batchTasks(w.tokens.finance2)).map((i) => i.batchId)).toContain(batch.id);
  });
});
