import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { cases, clocks, emailDeliveries, enterprises, timers, users } from '../../db/schema';
import { makeUser, randomUscc } from '../../seeds/factories';
import { fireTimer } from '../../server/engine/timers';
import { useTestApp } from '../support/use-app';
import { FAILING_SCORES, PASSING_SCORES } from '../support/world';
import { wholeInbox } from '../support/inbox';

const { t, w } = useTestApp();

interface CaseAnswer {
  state: string;
  allowedEvents: string[];
  experts: { expertId: string | null; mine: boolean; status: string; conflict: string | null; note: string | null; scores: Record<string, number> | null; total: number | null; overdue: boolean; unavailable: boolean }[];
  clocks: { kind: string; status: string; assigneeId: string | null }[];
}
const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post<Record<string, unknown>>(`/cases/${id}/events`, body, token);
const view = async (id: string, token: string) => (await t.api.get<CaseAnswer>(`/cases/${id}`, token)).body;

describe('accepting an assignment', () => {
  type Entry = { eventType: string; actorId: string | null; payload: Record<string, unknown> };
  const assigned = async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [expert] = panel;
    if (!expert) throw new Error('no expert');
    return { id, expert };
  };

  it('records the declaration of no conflict of interest in the history, with the acceptance', async () => {
    const { id, expert } = await assigned();
    expect((await send(id, expert.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    expect((await view(id, expert.token)).experts.find((e) => e.mine)?.status).toBe('accepted');
    const items = (await t.api.get<{ items: Entry[] }>(`/cases/${id}/history`, w.tokens.provincial)).body.items;
    expect(items.filter((e) => e.eventType === 'ACCEPT_ASSIGNMENT')).toEqual([expect.objectContaining({ actorId: expert.user.id, payload: { noConflict: true } })]);
  });

  it('refuses an acceptance without the declaration, or with it false, with 422 and the reason, and leaves the assignment open', async () => {
    const { id, expert } = await assigned();
    for (const body of [{ type: 'ACCEPT_ASSIGNMENT' }, { type: 'ACCEPT_ASSIGNMENT', noConflict: false }]) {
      const refused = await send(id, expert.token, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      // the one condition that does not hold is named, not that the expert has nothing to accept
      expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'guard.declaresNoConflict', messageZh: expect.stringContaining('不存在利益冲突') })]);
    }
    expect((await send(id, expert.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: 'yes' })).status).toBe(400);
    const seen = await view(id, expert.token);
    expect(seen.experts.find((e) => e.mine)?.status).toBe('assigned');
    expect(seen.allowedEvents.sort()).toEqual(['ACCEPT_ASSIGNMENT', 'DECLINE_ASSIGNMENT']);
    const items = (await t.api.get<{ items: Entry[] }>(`/cases/${id}/history`, w.tokens.provincial)).body.items;
    expect(items.filter((e) => e.eventType === 'ACCEPT_ASSIGNMENT')).toEqual([]);
  });

  it('names only that there is nothing to accept to an expert who accepted already, declaration or not', async () => {
    const { id, expert } = await assigned();
    expect((await send(id, expert.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    const again = await send(id, expert.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([expect.objectContaining({ code: 'guard.assignedToMe' })]);
  });

  it('refuses the declaration from anyone but an expert of the panel, and the case is hidden from other experts', async () => {
    const { id } = await assigned();
    const [outsider] = await w.makeExperts(1);
    expect((await send(id, outsider?.token ?? '', { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(404);
    for (const token of [w.tokens.provincial, w.tokens.firm, w.tokens.municipal, w.tokens.insurer]) {
      expect((await send(id, token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(403);
    }
    expect((await view(id, w.tokens.provincial)).experts.map((e) => e.status)).toEqual(['assigned', 'assigned', 'assigned']);
  });
});

describe('expert review', () => {
  it('assigns a panel, gives each expert a clock and an email of their own, and lets only them see the case', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    const [outsider] = await w.makeExperts(1);
    expect((await view(id, w.tokens.provincial)).allowedEvents).toEqual(['ASSIGN_EXPERTS']);
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'expert' });

    const own = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview')));
    expect(own.map((c) => c.assigneeId).sort()).toEqual(panel.map((e) => e.user.id).sort());
    const mails = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'expert.assigned')));
    expect(mails.map((m) => m.toAddress).sort()).toEqual(panel.map((e) => e.user.email).sort());
    expect(mails[0]?.data.dueOn).toBe(own[0]?.dueOn);

    const first = panel[0];
    if (!first || !outsider) throw new Error('no experts');
    const seen = await view(id, first.token);
    expect(seen.allowedEvents.sort()).toEqual(['ACCEPT_ASSIGNMENT', 'DECLINE_ASSIGNMENT']);
    expect(seen.experts.filter((e) => e.mine)).toHaveLength(1);
    expect(seen.experts.filter((e) => !e.mine).every((e) => e.expertId === null)).toBe(true);
    // an expert sees their own deadline, not the other experts'; the provincial reviewer sees each, by whose it is
    expect(seen.clocks.filter((c) => c.kind === 'expertReview').map((c) => c.assigneeId)).toEqual([first.user.id]);
    expect((await view(id, w.tokens.provincial)).clocks.filter((c) => c.kind === 'expertReview').map((c) => c.assigneeId)).toEqual(panel.map((e) => e.user.id));
    expect((await t.api.get(`/cases/${id}`, outsider.token)).status).toBe(404);
    expect((await send(id, outsider.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(404);
    expect((await view(id, w.tokens.firm)).experts).toEqual([]);

    const inbox = await t.api.get<{ items: { caseId: string; task: string; due: { kind: string } | null }[] }>('/tasks', first.token);
    expect(inbox.body.items.filter((i) => i.caseId === id)).toEqual([expect.objectContaining({ task: 'expert review', due: expect.objectContaining({ kind: 'expertReview' }) })]);
    expect((await t.api.get<{ items: { caseId: string }[] }>('/tasks', outsider.token)).body.items.map((i) => i.caseId)).not.toContain(id);
  });

  it("moves the case to awaiting the notice when the quorum's mean reaches the pass mark, and hides scores until one's own is in", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [a, b, c] = panel;
    if (!a || !b || !c) throw new Error('no panel');
    for (const e of panel) expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    expect((await send(id, a.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '先进' })).body).toMatchObject({ state: 'expert' });

    // b has not scored: a's points stay hidden from b; a sees what it gave
    expect((await view(id, b.token)).experts.every((e) => e.scores === null)).toBe(true);
    expect((await view(id, a.token)).experts.find((e) => e.mine)).toMatchObject({ status: 'scored', scores: PASSING_SCORES, total: 80 });
    expect((await send(id, b.token, { type: 'SCORE', scores: FAILING_SCORES, opinion: '一般' })).body).toMatchObject({ state: 'expert' });
    // now b's own is in, it sees a's
    expect((await view(id, b.token)).experts.filter((e) => !e.mine && e.scores !== null)).toHaveLength(1);

    // mean of 80, 40 and 60 is exactly the pass mark of 60
    const done = await send(id, c.token, { type: 'SCORE', scores: { innovation: 20, firstBatch: 20, market: 10, risk: 10 }, opinion: '及格' });
    expect(done.body).toMatchObject({ state: 'awaitingNotice' });
    const after = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview')));
    expect(after.map((x) => x.status)).toEqual(['stopped', 'stopped', 'stopped']);
    const provincialView = await view(id, w.tokens.provincial);
    expect(provincialView.experts.map((e) => e.total).sort()).toEqual([40, 60, 80]);
  });

  it('rejects the case when the mean falls short of the pass mark', async () => {
    const id = await w.caseIn('expert');
    await w.expertsScore(id, { innovation: 18, firstBatch: 18, market: 11, risk: 12 });
    expect((await view(id, w.tokens.provincial)).state).toBe('rejected');
    const told = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.rejected')));
    expect(told.map((m) => m.toAddress)).toEqual([w.people.firm.email]);
  });

  it('refuses a score before acceptance, and one that misses, exceeds or invents a criterion, naming each', async () => {
    const id = await w.caseIn('expert');
    const [e] = await w.makeExperts(3).then(async (panel) => {
      await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((x) => x.user.id) });
      return panel;
    });
    if (!e) throw new Error('no expert');
    const early = await send(id, e.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '好' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ errors: [expect.objectContaining({ code: 'guard.acceptedByMe' })] });
    await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true });
    const bad = await send(id, e.token, { type: 'SCORE', scores: { innovation: 31, firstBatch: 10, market: 10, beauty: 5 }, opinion: '好' });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { path: string }[]).map((x) => x.path).sort()).toEqual(['scores.beauty', 'scores.innovation', 'scores.risk']);
    const malformed = await send(id, e.token, { type: 'SCORE', scores: { innovation: 2.5 }, opinion: '' });
    expect(malformed.status).toBe(400);
    expect((await view(id, w.tokens.provincial)).experts.every((x) => x.status !== 'scored')).toBe(true);
  });

  it("names every problem of a score at once: the schema's and the rubric's in one 400, to the expert who may score it and to nobody else", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((x) => x.user.id) })).status).toBe(200);
    const [e, notYet] = panel;
    const [outsider] = await w.makeExperts(1);
    if (!e || !notYet || !outsider) throw new Error('no experts');
    expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    // a fraction, one above its maximum, words, one unknown, one missing, and no opinion
    const body = { type: 'SCORE', scores: { innovation: 2.5, firstBatch: 31, market: 'x', beauty: 1 }, opinion: '' };
    const all = await t.api.post<{ status: number; detail: string; errors: { path: string; message: string; messageZh: string; code: string }[] }>(`/cases/${id}/events`, body, e.token);
    expect(all.status).toBe(400);
    expect(all.headers.get('content-type')).toContain('application/problem+json');
    expect(all.body).toMatchObject({ status: 400, detail: 'the request body is invalid' });
    expect(all.body.errors.map((x) => [x.path, x.code]).sort()).toEqual([
      ['opinion', 'custom'],
      ['scores.beauty', 'score.unknown_criterion'],
      ['scores.firstBatch', 'score.above_maximum'],
      ['scores.innovation', 'invalid_type'],
      ['scores.market', 'invalid_type'],
      ['scores.risk', 'score.required'],
    ]);
    expect(all.body.errors.find((x) => x.path === 'scores.firstBatch')).toEqual({ path: 'scores.firstBatch', message: '首批次应用属性 / first-batch use: at most 30 points', messageZh: '首批次应用属性 / first-batch use：最高 30 分', code: 'score.above_maximum' });
    expect(all.body.errors.find((x) => x.path === 'scores.market')).toMatchObject({ message: 'must be a number', messageZh: '应填写数字' });
    expect(all.body.errors.find((x) => x.path === 'scores.innovation')).toMatchObject({ message: 'points must be a whole number', messageZh: '应填写整数' });
    // a fraction above the maximum is named once, by the schema: the rubric adds only what the schema left unnamed
    const over = await t.api.post<{ errors: { path: string; code: string }[] }>(`/cases/${id}/events`, { type: 'SCORE', scores: { innovation: 20, firstBatch: 30.5, market: 10, risk: 10 }, opinion: '同意' }, e.token);
    expect(over.status).toBe(400);
    expect(over.body.errors.map((x) => [x.path, x.code])).toEqual([['scores.firstBatch', 'invalid_type']]);

    // an expert who has not accepted, one not on the panel, the provincial reviewer: the schema's alone, as before
    for (const [who, token] of [['not accepted', notYet.token], ['outsider', outsider.token], ['provincial', w.tokens.provincial]] as const) {
      const res = await t.api.post<{ errors: { path: string }[] }>(`/cases/${id}/events`, body, token);
      expect(res.status, who).toBe(400);
      expect(res.body.errors.map((x) => x.path).sort(), who).toEqual(['opinion', 'scores.innovation', 'scores.market']);
    }
    // more criteria than any rubric has: one problem for them all, not one per key
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`c${i}`, 1]));
    const flood = await t.api.post<{ errors: { path: string }[] }>(`/cases/${id}/events`, { type: 'SCORE', scores: many, opinion: '' }, e.token);
    expect(flood.status).toBe(400);
    expect(flood.body.errors.map((x) => x.path).sort()).toEqual(['opinion', 'scores']);
    expect((await view(id, w.tokens.provincial)).experts.every((x) => x.status !== 'scored')).toBe(true);
  });

  it('refuses a score that carries a __proto__ criterion instead of dropping it', async () => {
    const id = await w.caseIn('expert');
    const [e] = await w.makeExperts(3).then(async (panel) => {
      await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((x) => x.user.id) });
      return panel;
    });
    if (!e) throw new Error('no expert');
    await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true });
    // JSON.parse makes __proto__ an own key; schemas that build a new object skip it without a word
    for (const value of ['5', '{"x":1}']) {
      const raw = `{"type":"SCORE","scores":{"innovation":25,"firstBatch":25,"market":15,"risk":15,"__proto__":${value}},"opinion":"好"}`;
      const res = await t.api.request<{ detail: string }>('POST', `/cases/${id}/events`, { token: e.token, raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, value).toBe(400);
      expect(res.body.detail).toContain('__proto__');
    }
    expect((await view(id, w.tokens.provincial)).experts.every((x) => x.status !== 'scored')).toBe(true);
  });

  it('records a conflict it detects, keeps that expert from the case, and refuses a panel below the quorum', async () => {
    const id = await w.caseIn('expert');
    const clean = await w.makeExperts(2);
    const [conflicted] = await w.makeExperts(1, { affiliations: [w.firm.uscc] });
    if (!conflicted) throw new Error('no expert');
    const ids = [...clean.map((e) => e.user.id), conflicted.user.id];
    const two = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ids.slice(0, 2) });
    expect(two.status).toBe(422);
    expect(two.body).toMatchObject({ errors: [{ path: 'expertIds', code: 'quorum', message: 'choose at least 3 experts (2 chosen)', messageZh: '请至少选择 3 位专家（已选 2 位）' }] });
    const short = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ids });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ errors: [expect.objectContaining({ code: 'guard.enoughExperts' })] });

    const [third] = await w.makeExperts(1);
    if (!third) throw new Error('no expert');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [...ids, third.user.id] })).status).toBe(200);
    const record = (await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === conflicted.user.id);
    expect(record).toMatchObject({ status: 'declined', conflict: 'detected', note: expect.stringContaining(w.firm.uscc) });
    expect((await t.api.get(`/cases/${id}`, conflicted.token)).status).toBe(404);
  });

  it('lets the provincial reviewer replace an expert who declined, and the replaced one loses the case', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [leaving] = panel;
    if (!leaving) throw new Error('no expert');
    const declined = await send(id, leaving.token, { type: 'DECLINE_ASSIGNMENT', reason: '本人曾为该企业提供咨询', conflictOfInterest: true });
    expect(declined.status).toBe(200);
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === leaving.user.id)).toMatchObject({ status: 'declined', conflict: 'declared' });
    const [stopped] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.assigneeId, leaving.user.id)));
    expect(stopped?.status).toBe('stopped');

    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    const replaced = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: leaving.user.id });
    expect(replaced.status).toBe(200);
    const statuses = Object.fromEntries((await view(id, w.tokens.provincial)).experts.map((e) => [e.expertId, e.status]));
    expect(statuses).toMatchObject({ [leaving.user.id]: 'replaced', [fresh.user.id]: 'assigned' });
    expect((await t.api.get(`/cases/${id}`, leaving.token)).status).toBe(404);
    // who declined needs no word of the replacement
    expect(await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'expert.replaced')))).toEqual([]);
    // the same expert cannot be put on twice
    const again = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id] });
    expect(again.status).toBe(422);
    // nor replace themself, who is on the panel already besides
    const self = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: fresh.user.id });
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([
      expect.objectContaining({ path: 'expertIds.0', code: 'alreadyOnPanel' }),
      expect.objectContaining({ path: 'replaces', messageZh: expect.any(String) }),
    ]);
  });

  it("stops only the own clock of an expert who declines or scores, drops the case from their inbox, and keeps a scored one on the panel", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [declining, scoring, waiting] = panel;
    if (!declining || !scoring || !waiting) throw new Error('no panel');
    expect((await send(id, declining.token, { type: 'DECLINE_ASSIGNMENT', reason: '时间冲突', conflictOfInterest: false })).status).toBe(200);
    expect((await send(id, scoring.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    expect((await send(id, scoring.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '好' })).body).toMatchObject({ state: 'expert' });

    const own = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview')));
    expect(Object.fromEntries(own.map((c) => [c.assigneeId, c.status]))).toEqual({ [declining.user.id]: 'stopped', [scoring.user.id]: 'stopped', [waiting.user.id]: 'running' });
    const inbox = async (token: string) => (await wholeInbox(t.api, token)).map((i) => i.caseId);
    // the one who scored still sees the case, but has nothing more to do on it
    expect((await t.api.get(`/cases/${id}`, scoring.token)).status).toBe(200);
    expect(await inbox(scoring.token)).not.toContain(id);
    expect(await inbox(waiting.token)).toContain(id);

    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    const replacing = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: scoring.user.id });
    expect(replacing.status).toBe(422);
    expect(replacing.body).toMatchObject({ errors: [expect.objectContaining({ code: 'guard.replacesOpenAssignment' })] });
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === scoring.user.id)).toMatchObject({ status: 'scored', scores: PASSING_SCORES });
  });

  it('lets an expert who was replaced be assigned again, and judges them by their new assignment', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [back, other] = panel;
    const [stand] = await w.makeExperts(1);
    if (!back || !other || !stand) throw new Error('no panel');
    await send(id, back.token, { type: 'DECLINE_ASSIGNMENT', reason: '出差' });
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [stand.user.id], replaces: back.user.id })).status).toBe(200);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [back.user.id] })).status).toBe(200);
    for (const e of [other, back]) {
      expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
      expect((await send(id, e.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '好' })).status).toBe(200);
    }
    // their score is in, so they see the other's
    const seen = (await view(id, back.token)).experts;
    expect(seen.filter((e) => !e.mine && e.status === 'scored').map((e) => e.scores)).toEqual([PASSING_SCORES]);
  });

  it('names an unknown or duplicated expert, and refuses assignment to every other role', async () => {
    const id = await w.caseIn('expert');
    const bogus = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [w.people.finance.id, w.people.finance.id] });
    expect(bogus.status).toBe(422);
    expect((bogus.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['expertIds.0', 'expertIds.1', 'expertIds.1']);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [] })).status).toBe(400);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ['not-a-uuid'] })).status).toBe(400);
    const panel = await w.makeExperts();
    const body = { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) };
    for (const who of ['firm', 'municipal', 'insurer'] as const) expect((await send(id, w.tokens[who], body)).status, who).toBe(403);
    for (const who of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'expert', 'finance', 'admin'] as const) expect((await send(id, w.tokens[who], body)).status, who).toBe(404);
    expect((await t.api.post(`/cases/${id}/events`, body)).status).toBe(401);
    expect((await view(id, w.tokens.provincial)).state).toBe('expert');
  });
});

describe('GET /experts', () => {
  it('lists active experts for the provincial reviewer, marking a conflict of interest on the case named', async () => {
    const id = await w.caseIn('expert');
    // a name of this test's own: the shared database holds every earlier run's experts, and a page holds 200
    const name = `专家 ${crypto.randomUUID()}`;
    const [clean] = await w.makeExperts(1, { name });
    const [conflicted] = await w.makeExperts(1, { name, affiliations: [w.firm.uscc] });
    const [employee] = await w.makeExperts(1, { name, organisationUscc: w.firm.uscc, organisationName: '申报企业' });
    const [retired] = await w.makeExperts(1, { name });
    const [unit] = await t.app.db.select({ userUnit: cases.userUnit }).from(cases).where(eq(cases.id, id));
    const unitUscc = unit?.userUnit.uscc ?? '';
    const [user] = await w.makeExperts(1, { name, affiliations: [unitUscc] });
    if (!clean || !conflicted || !employee || !retired || !user) throw new Error('no experts');
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, retired.user.id));
    const staff = await makeUser(t.app.db, { roles: ['finance'], name });
    const res = await t.api.get<{ items: { id: string; conflict: string | null }[] }>(`/experts?caseId=${id}&q=${encodeURIComponent(name)}`, w.tokens.provincial);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.items.map((e) => [e.id, e.conflict]));
    expect(Object.keys(byId).sort()).toEqual([clean.user.id, conflicted.user.id, employee.user.id, user.user.id].sort());
    // the user unit, the firm's customer, counts as much as the firm
    expect(byId[user.user.id]).toContain(unitUscc);
    // each party named as what it is to the case, in both languages
    expect(byId[user.user.id]).toMatch(new RegExp(`^affiliated with the user unit .+ \\(${unitUscc}\\) \\(与用户单位 .+（${unitUscc}）存在关联\\)$`));
    expect(byId[clean.user.id]).toBeNull();
    expect(byId[conflicted.user.id]).toContain(w.firm.uscc);
    expect(byId[employee.user.id]).toBe(`works for the applicant ${w.firm.name} (${w.firm.uscc}) (任职于申报企业 ${w.firm.name}（${w.firm.uscc}）)`);
    expect(res.body.items.map((e) => e.id)).not.toContain(staff.id);
    const found = await t.api.get<{ items: { id: string }[] }>(`/experts?q=${encodeURIComponent(clean.user.email)}`, w.tokens.provincial);
    expect(found.body.items.map((e) => e.id)).toEqual([clean.user.id]);
  });

  it('answers 404 for a case it cannot find, 400 for a malformed one, 403 to every other role and 401 to strangers', async () => {
    expect((await t.api.get(`/experts?caseId=${crypto.randomUUID()}`, w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get('/experts?caseId=nope', w.tokens.provincial)).status).toBe(400);
    for (const who of ['firm', 'municipal', 'expert', 'insurer', 'finance', 'admin'] as const) expect((await t.api.get('/experts', w.tokens[who])).status, who).toBe(403);
    expect((await t.api.get('/experts')).status).toBe(401);
  });
});

describe('an expert past their own deadline', () => {
  it('is marked overdue to the provincial reviewer, who is told and may replace them', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [late, slow, punctual] = panel;
    if (!late || !slow || !punctual) throw new Error('no expert');
    // one never answered, one accepted and then let the deadline pass
    expect((await send(id, slow.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    for (const e of [late, slow]) {
      const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.assigneeId, e.user.id)));
      const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'expiry')));
      if (!expiry) throw new Error('no expiry armed');
      await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
      expect(await fireTimer(t.app, expiry.id)).toBe(true);
    }

    const experts = (await view(id, w.tokens.provincial)).experts;
    expect(experts.filter((e) => e.overdue).map((e) => e.expertId).sort()).toEqual([late.user.id, slow.user.id].sort());
    // each sees their own lateness; another expert sees nobody's
    expect((await view(id, late.token)).experts.filter((e) => e.overdue)).toEqual([expect.objectContaining({ mine: true })]);
    expect((await view(id, punctual.token)).experts.filter((e) => e.overdue)).toEqual([]);
    const escalated = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.overdue')));
    expect(escalated.map((m) => m.toAddress)).toContain(w.people.provincial.email);
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: late.user.id })).status).toBe(200);
    const [closed] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.assigneeId, late.user.id)));
    expect(closed?.status).toBe('stopped');
    // the one taken off is told, once, without a link to the case no longer open to them
    const told = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'expert.replaced')));
    expect(told.map((m) => m.toAddress)).toEqual([late.user.email]);
  });
});

describe('an expert whose account is deactivated while their assignment is open', () => {
  it('is marked so to the provincial reviewer, puts the case in the provincial inbox, and may be replaced, who is told', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    const [gone, staying] = panel;
    if (!gone || !staying) throw new Error('no panel');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const inbox = async () => (await wholeInbox<{ caseId: string | null; task: string }>(t.api, w.tokens.provincial)).filter((i) => i.caseId === id).map((i) => i.task);
    // while everyone can act, neither replacing nor the inbox
    expect((await view(id, w.tokens.provincial)).experts.map((e) => e.unavailable)).toEqual([false, false, false]);
    expect(await inbox()).toEqual([]);
    const [fresh] = await w.makeExperts(1);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: gone.user.id })).status).toBe(422);

    // as the administrator's 停用 leaves the row (the factory's experts lack what the admin form asks of an expert)
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, gone.user.id));
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === gone.user.id)).toMatchObject({ status: 'assigned', unavailable: true });
    // the other experts are not told who (nor that) anyone's account changed
    expect((await view(id, staying.token)).experts.every((e) => !e.unavailable)).toBe(true);
    expect(await inbox()).toEqual(['replace experts whose accounts were deactivated']);

    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: gone.user.id })).status).toBe(200);
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === gone.user.id)).toMatchObject({ status: 'replaced', unavailable: false });
    expect(await inbox()).toEqual([]);
    // a deactivated account is sent nothing
    expect(await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'expert.replaced')))).toEqual([]);
  });

  it('counts one who is no longer an expert the same, and tells them of the replacement', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    const [moved] = panel;
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    await t.app.db.update(users).set({ roles: ['municipal'], city: '330100' }).where(eq(users.id, moved?.user.id ?? ''));
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === moved?.user.id)?.unavailable).toBe(true);
    // and the case waits in the provincial inbox for the replacement, as for a deactivated account
    const inbox = (await wholeInbox<{ caseId: string | null; task: string }>(t.api, w.tokens.provincial)).filter((i) => i.caseId === id).map((i) => i.task);
    expect(inbox).toEqual(['replace experts whose accounts were deactivated']);
    const [fresh] = await w.makeExperts(1);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: moved?.user.id })).status).toBe(200);
    const told = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'expert.replaced')));
    expect(told.map((m) => m.toAddress)).toEqual([moved?.user.email]);
  });
});

describe('what the review tells and to whom (found by probing from outside)', () => {
  it("keeps the experts' names, scores and reasons out of the history for anyone the case page would not show them to", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    const [a, b] = panel;
    if (!a || !b) throw new Error('no panel');
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    for (const e of [a, b]) await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true });
    await send(id, a.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '专家甲的意见' });
    type Entry = { eventType: string; actorId: string | null; payload: Record<string, unknown> };
    const historyAs = async (token: string) => (await t.api.get<{ items: Entry[] }>(`/cases/${id}/history`, token)).body.items;
    const leaks = (items: Entry[]) => JSON.stringify(items.filter((e) => ['ASSIGN_EXPERTS', 'ACCEPT_ASSIGNMENT', 'SCORE'].includes(e.eventType)));

    const beforeOwn = leaks(await historyAs(b.token));
    expect(beforeOwn).not.toContain('专家甲的意见');
    expect(beforeOwn).not.toContain(a.user.id);
    const firmSees = leaks(await historyAs(w.tokens.firm));
    for (const e of panel) expect(firmSees).not.toContain(e.user.id);
    expect(firmSees).not.toContain('专家甲的意见');
    expect(leaks(await historyAs(w.tokens.provincial))).toContain('专家甲的意见');

    await send(id, b.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '专家乙的意见' });
    const afterOwn = leaks(await historyAs(b.token));
    expect(afterOwn).toContain('专家甲的意见');
    expect(afterOwn).not.toContain(a.user.id);
  });

  it('does not let a reviewer who decided the case score it, nor an expert on its panel decide it', async () => {
    const id = await w.caseIn('verifiedProvincial');
    const both = await w.makeExperts(1);
    const person = both[0];
    if (!person) throw new Error('no expert');
    await t.app.db.update(users).set({ roles: ['provincial', 'expert'] }).where(eq(users.id, person.user.id));
    expect((await send(id, person.token, { type: 'APPROVE' })).status).toBe(200);
    const clean = await w.makeExperts(2);
    const assigned = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [person.user.id, ...clean.map((e) => e.user.id)] });
    expect(assigned.status).toBe(422);
    expect(assigned.body).toMatchObject({ errors: [expect.objectContaining({ code: 'guard.enoughExperts' })] });
  });

  it("puts a case under review in the provincial inbox only while its experts are to be assigned", async () => {
    const id = await w.caseIn('expert');
    const taskOf = async () => (await wholeInbox<{ caseId: string; task: string }>(t.api, w.tokens.provincial)).find((i) => i.caseId === id);
    expect((await taskOf())?.task).toBe('assign experts');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    expect(await taskOf()).toBeUndefined();
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.provincial)).status).toBe(409);
  });

  it('refuses a stranger to the event before looking at the experts it names, and a replacement of nobody or of an expert on time', async () => {
    const id = await w.caseIn('expert');
    expect((await send(id, w.tokens.firm, { type: 'ASSIGN_EXPERTS', expertIds: [crypto.randomUUID()] })).status).toBe(403);
    const panel = await w.makeExperts();
    const ids = panel.map((e) => e.user.id);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ids, replaces: crypto.randomUUID() })).status).toBe(422);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ids })).status).toBe(200);
    const [onTime] = panel;
    if (!onTime) throw new Error('no expert');
    await send(id, onTime.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true });
    const [other] = await w.makeExperts(1);
    const refused = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [other?.user.id], replaces: onTime.user.id });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ errors: [expect.objectContaining({ code: 'guard.replacesOpenAssignment' })] });
  });
});

describe('who cannot be put on a panel (SPEC §2)', () => {
  it("detects an expert whose organisation is one of the firm's affiliates, as much as the firm itself", async () => {
    const affiliate = randomUscc();
    const id = await w.caseIn('expert');
    await t.app.db.update(enterprises).set({ affiliations: [affiliate] }).where(eq(enterprises.id, w.firm.id));
    try {
      const [insider] = await w.makeExperts(1, { organisationUscc: affiliate, organisationName: '关联企业' });
      const clean = await w.makeExperts(3);
      if (!insider) throw new Error('no expert');
      const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [insider.user.id, ...clean.map((e) => e.user.id)] });
      expect(res.status).toBe(200);
      const record = (await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === insider.user.id);
      expect(record).toMatchObject({ status: 'declined', conflict: 'detected', note: expect.stringContaining(affiliate) });
      expect((await t.api.get(`/cases/${id}`, insider.token)).status).toBe(404);
    } finally {
      await t.app.db.update(enterprises).set({ affiliations: [] }).where(eq(enterprises.id, w.firm.id));
    }
  });

  it('keeps the provincial reviewer who assigns the panel off it', async () => {
    const id = await w.caseIn('expert');
    // a name of their own: the search below would otherwise match every expert the file made, past the list's first page
    const [assigner] = await w.makeExperts(1, { name: `复审兼专家${crypto.randomUUID().slice(0, 8)}` });
    if (!assigner) throw new Error('no expert');
    await t.app.db.update(users).set({ roles: ['provincial', 'expert'] }).where(eq(users.id, assigner.user.id));
    const clean = await w.makeExperts(3);
    // the list to choose from says so before: to them, and to no other provincial reviewer
    const listed = async (token: string) =>
      (await t.api.get<{ items: { id: string; conflict: string | null }[] }>(`/experts?caseId=${id}&q=${encodeURIComponent(assigner.user.name)}`, token)).body.items.find((e) => e.id === assigner.user.id);
    expect((await listed(assigner.token))?.conflict).toBe('took part in the review of this case (已参与本申请的审核)');
    expect((await listed(w.tokens.provincial))?.conflict).toBeNull();
    const res = await send(id, assigner.token, { type: 'ASSIGN_EXPERTS', expertIds: [assigner.user.id, ...clean.map((e) => e.user.id)] });
    expect(res.status).toBe(200);
    const record = (await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === assigner.user.id);
    expect(record).toMatchObject({ status: 'declined', conflict: 'detected', note: expect.stringContaining('took part in the review') });
    const own = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview')));
    expect(own.map((c) => c.assigneeId)).not.toContain(assigner.user.id);
  });

  it('refuses an expert whose account is deactivated, naming them', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    const [gone] = panel;
    if (!gone) throw new Error('no expert');
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, gone.user.id));
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'expertIds.0', message: 'no active expert has this id' })]);
    expect((await view(id, w.tokens.provincial)).experts).toEqual([]);
  });
});

describe("an expert's own clock", () => {
  it('runs 7 working days, reminds that expert alone 2 working days before, and is the one their inbox shows', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    const [first, second, leaving] = panel;
    if (!first || !second || !leaving) throw new Error('no panel');
    const own = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview')));
    expect(own.map((c) => c.countedDays)).toEqual([7, 7, 7]);
    const clockOf = (expertId: string) => own.find((c) => c.assigneeId === expertId);
    const reminders = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clockOf(first.user.id)?.id ?? ''), eq(timers.purpose, 'reminder')));
    expect(reminders.map((r) => r.data)).toEqual([{ workingDaysBefore: 2 }]);
    const [reminder] = reminders;
    if (!reminder) throw new Error('no reminder armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, reminder.id));
    expect(await fireTimer(t.app, reminder.id)).toBe(true);
    const reminded = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.reminder')));
    expect(reminded.map((m) => m.toAddress)).toEqual([first.user.email]);

    // a replacement's clock starts later; once it is overdue, the others' inboxes still show their own
    await send(id, leaving.token, { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: false });
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: leaving.user.id })).status).toBe(200);
    const [freshClock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.assigneeId, fresh.user.id)));
    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, freshClock?.id ?? ''), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
    expect(await fireTimer(t.app, expiry.id)).toBe(true);
    // the provincial reviewers are told whose review is overdue, in each language; the firm is told nothing of it
    const escalated = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.overdue')));
    expect(escalated.map((m) => m.toAddress)).toContain(w.people.provincial.email);
    expect(escalated.map((m) => m.toAddress)).not.toContain(w.people.firm.email);
    for (const m of escalated) expect(m.data).toMatchObject({ deadlineZh: `专家评审（${fresh.user.name}）`, deadlineEn: `expert review (${fresh.user.name})` });
    // the expert's own reminder names no one
    expect(reminded[0]?.data).toMatchObject({ deadlineZh: '专家评审', deadlineEn: 'expert review' });
    const taskOf = async (token: string) => (await wholeInbox<{ caseId: string; due: { kind: string; dueOn: string; overdue: boolean } | null }>(t.api, token)).find((i) => i.caseId === id);
    expect((await taskOf(fresh.token))?.due).toMatchObject({ kind: 'expertReview', overdue: true });
    expect((await taskOf(second.token))?.due).toMatchObject({ kind: 'expertReview', dueOn: clockOf(second.user.id)?.dueOn, overdue: false });
  });
});
