import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { eq, inArray, sql } from 'drizzle-orm';
import { inboxTasks } from '../../workflows/case/chart';
import { taskClaims } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PASSING_SCORES } from '../support/world';
import { runOutExpertClock } from '../support/clock-rows';
import { batchTaskHeldBefore } from '../support/inbox';

interface Task {
  caseId: string;
  due: { kind: string; dueOn: string; remainingWorkingDays: number } | null;
  claimedBy: { id: string; name: string; mine: boolean } | null;
}

// its own database: a city reviewer's inbox holds every case of the city
const { t, w } = useTestApp({ ownDatabase: true });

const taskOf = async (token: string, id: string) => (await t.api.get<{ items: Task[] }>('/tasks?limit=100', token)).body.items.find((i) => i.caseId === id);

describe('taking tasks from a shared inbox', () => {
  it('shows the other reviewers of the city who has taken a case, until it is given back', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post<{ role: string; claimedBy: { id: string } }>(`/tasks/${id}/claim`, {}, w.tokens.municipal);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'municipal', claimedBy: { id: w.people.municipal.id } });
    expect((await taskOf(w.tokens.municipal, id))?.claimedBy).toMatchObject({ id: w.people.municipal.id, mine: true });
    expect((await taskOf(w.tokens.municipal2, id))?.claimedBy).toMatchObject({ id: w.people.municipal.id, name: w.people.municipal.name, mine: false });
    // the insurer's task on the same case is a task of its own
    expect((await taskOf(w.tokens.insurer, id))?.claimedBy).toBeNull();

    const taken = await t.api.post<{ detail: string; claimedBy: { id: string } }>(`/tasks/${id}/claim`, {}, w.tokens.municipal2);
    expect(taken.status).toBe(409);
    expect(taken.body.claimedBy.id).toBe(w.people.municipal.id);
    // taking it again is no change
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal)).status).toBe(200);
    // only its holder gives a task back
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.municipal2)).status).toBe(404);
    expect((await taskOf(w.tokens.municipal2, id))?.claimedBy).toMatchObject({ id: w.people.municipal.id, mine: false });

    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.municipal)).status).toBe(204);
    expect((await taskOf(w.tokens.municipal2, id))?.claimedBy).toBeNull();
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.municipal)).status).toBe(404);
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal2)).status).toBe(200);
  });

  it('lets exactly one of two reviewers taking the same case at once have it', async () => {
    const id = await w.submittedCase();
    const answers = await Promise.all([w.tokens.municipal, w.tokens.municipal2].map((tok) => t.api.post(`/tasks/${id}/claim`, {}, tok)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });

  it("keeps a claim while the case stays at the task: the insurer's verification does not give back the city reviewer's", async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    expect((await taskOf(w.tokens.municipal2, id))?.claimedBy).toMatchObject({ id: w.people.municipal.id, mine: false });
  });

  it('lets a claim lapse when the case moves on to another state', async () => {
    const id = await w.caseIn('revision');
    await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal);
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '再补' }] }, w.tokens.municipal2);
    await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    // back in municipal review, but the earlier claim was made in the state before the return
    expect((await taskOf(w.tokens.municipal2, id))?.claimedBy).toBeNull();
  });

  it('gives back the tasks of a reviewer who is deactivated or moved to another city, so the others can take them', async () => {
    const ids = [await w.submittedCase(), await w.submittedCase()];
    for (const [i, change] of [{ active: false }, { city: '330200' }].entries()) {
      const id = ids[i] ?? '';
      const leaving = await makeUser(t.app.db, { roles: ['municipal'], city: '330100', name: '调离的初审员' });
      expect((await t.api.post(`/tasks/${id}/claim`, {}, await t.api.login(leaving.email))).status).toBe(200);
      expect((await t.api.patch(`/admin/users/${leaving.id}`, change, w.tokens.admin)).status).toBe(200);
      expect((await taskOf(w.tokens.municipal2, id))?.claimedBy, JSON.stringify(change)).toBeNull();
      expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal2)).status, JSON.stringify(change)).toBe(200);
    }
  });

  it('does not let finance take a case awaiting its disbursement batch, which is done on the new-batch form; a hold taken before is shown and given back', async () => {
    const id = await w.caseIn('approved');
    const res = await t.api.post<{ errors: { path: string; message: string; messageZh: string }[] }>(`/tasks/${id}/claim`, {}, w.tokens.finance);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      { path: 'task', message: 'this task is done by putting the case into a disbursement batch on the money page, not taken', messageZh: '此任务在拨付批次页面办理，无需领取' },
    ]);
    expect(await t.app.db.select().from(taskClaims).where(eq(taskClaims.caseId, id))).toEqual([]);
    expect((await taskOf(w.tokens.finance2, id))?.claimedBy).toBeNull();
    // a hold from before: the other finance user sees who has it, and its holder gives it back
    await batchTaskHeldBefore(t.app.db, id, w.people.finance.id);
    expect((await taskOf(w.tokens.finance2, id))?.claimedBy).toMatchObject({ id: w.people.finance.id, name: w.people.finance.name, mine: false });
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.finance2)).status).toBe(409);
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.finance)).status).toBe(204);
    expect((await taskOf(w.tokens.finance2, id))?.claimedBy).toBeNull();
  });

  it('lets a provincial reviewer take a case whose expert is late; the other reviewer sees who has it; it is not to be taken before', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const colleague = await makeUser(t.app.db, { roles: ['provincial'], name: '省级复审员乙' });
    const theirs = await t.api.login(colleague.email);
    // while every expert is on time, the case waits for the experts only
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.provincial)).status).toBe(409);
    const [late] = panel;
    await runOutExpertClock(t.app, id, late?.user.id ?? '');

    const res = await t.api.post<{ role: string; claimedBy: { id: string } }>(`/tasks/${id}/claim`, {}, w.tokens.provincial);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'provincial', claimedBy: { id: w.people.provincial.id } });
    expect((await taskOf(theirs, id))?.claimedBy).toMatchObject({ id: w.people.provincial.id, name: w.people.provincial.name, mine: false });
    expect((await t.api.post(`/tasks/${id}/claim`, {}, theirs)).status).toBe(409);
    // the late expert's own task is theirs alone: not one of a shared inbox
    expect((await t.api.post(`/tasks/${id}/claim`, {}, late?.token ?? '')).status).toBe(403);
    expect((await taskOf(late?.token ?? '', id))?.claimedBy).toBeNull();
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.provincial)).status).toBe(204);
    expect((await t.api.post(`/tasks/${id}/claim`, {}, theirs)).status).toBe(200);
  });

  it('shows the working days left to the due date', async () => {
    const id = await w.submittedCase();
    const task = await taskOf(w.tokens.municipal, id);
    expect(task?.due).toMatchObject({ kind: 'municipalReview', remainingWorkingDays: 10 });
  });

  it('answers 409 for a case not waiting for the caller, 404 for one it cannot see, and refuses other roles', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.provincial)).status).toBe(409);
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.otherMunicipal)).status).toBe(404);
    expect((await t.api.post(`/tasks/${crypto.randomUUID()}/claim`, {}, w.tokens.municipal)).status).toBe(404);
    expect((await t.api.post('/tasks/nope/claim', {}, w.tokens.municipal)).status).toBe(400);
    for (const who of ['firm', 'expert', 'admin'] as const) expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens[who])).status, who).toBe(403);
    expect((await t.api.post(`/tasks/${id}/claim`, {})).status).toBe(401);
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.firm)).status).toBe(403);
  });
});

describe('a claim when its case moves on', () => {
  it('is given back by the transition that leaves its task', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补充' }] }, w.tokens.municipal)).status).toBe(200);
    expect(await t.app.db.select().from(taskClaims).where(eq(taskClaims.caseId, id))).toEqual([]);
  });
});

describe('a hold on replacing experts, while the case stays in expert review', () => {
  const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post(`/cases/${id}/events`, body, token);
  const held = async (id: string) => (await t.app.db.select().from(taskClaims).where(eq(taskClaims.caseId, id))).map((c) => ({ role: c.role, userId: c.userId }));

  it('lasts while the panel is still short and is given back by the replacement that fills it, so the next decline finds the task free', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    const [first, second, third] = panel;
    if (!first || !second || !third) throw new Error('no panel');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    for (const e of [first, second]) expect((await send(id, e.token, { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: false })).status).toBe(200);
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.provincial)).status).toBe(200);

    const [one, two] = await w.makeExperts(2);
    // one replaced of two: the panel is still short, the task and its hold remain
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [one?.user.id], replaces: first.user.id })).status).toBe(200);
    expect(await held(id)).toEqual([{ role: 'provincial', userId: w.people.provincial.id }]);
    expect((await taskOf(w.tokens.provincial, id))?.claimedBy).toMatchObject({ id: w.people.provincial.id, mine: true });
    // the second replaced: the task is done, its hold given back with it
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [two?.user.id], replaces: second.user.id })).status).toBe(200);
    expect(await held(id)).toEqual([]);
    expect(await taskOf(w.tokens.provincial, id)).toBeUndefined();

    // another expert declines: the task is back, and free for either reviewer
    expect((await send(id, third.token, { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: false })).status).toBe(200);
    const colleague = await t.api.login((await makeUser(t.app.db, { roles: ['provincial'], name: '省级复审员丙' })).email);
    expect((await taskOf(colleague, id))?.claimedBy).toBeNull();
    expect((await t.api.post(`/tasks/${id}/claim`, {}, colleague)).status).toBe(200);
  });

  it('is given back by replacing the late expert', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [late] = panel;
    await runOutExpertClock(t.app, id, late?.user.id ?? '');
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.provincial)).status).toBe(200);
    // an expert on time scoring or accepting is not the task: the hold stays
    expect((await send(id, panel[1]?.token ?? '', { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    expect(await held(id)).toEqual([{ role: 'provincial', userId: w.people.provincial.id }]);
    const [fresh] = await w.makeExperts(1);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh?.user.id], replaces: late?.user.id })).status).toBe(200);
    expect(await held(id)).toEqual([]);
  });
});

describe('holds on replacing experts kept from before the rule above', () => {
  it('are given back by migration 0026 where the task has ended, and kept where it has not', async () => {
    const assign = async (id: string, experts: { user: { id: string } }[]) =>
      expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: experts.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const [ended, open] = [await w.caseIn('expert'), await w.caseIn('expert')];
    await assign(ended, await w.makeExperts());
    const panel = await w.makeExperts();
    await assign(open, panel);
    expect((await t.api.post(`/cases/${open}/events`, { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: false }, panel[0]?.token ?? '')).status).toBe(200);
    // a full panel one of whose experts has scored: the task has ended (a scored assignment counts towards the quorum)
    const scoring = await w.caseIn('expert');
    const scorers = await w.makeExperts();
    await assign(scoring, scorers);
    expect((await t.api.post(`/cases/${scoring}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, scorers[0]?.token ?? '')).status).toBe(200);
    expect((await t.api.post(`/cases/${scoring}/events`, { type: 'SCORE', scores: PASSING_SCORES, opinion: '同意' }, scorers[0]?.token ?? '')).status).toBe(200);
    // a full panel one of whose experts is late: the task (replace the overdue expert) is still there
    const late = await w.caseIn('expert');
    const latePanel = await w.makeExperts();
    await assign(late, latePanel);
    await runOutExpertClock(t.app, late, latePanel[0]?.user.id ?? '');
    const task = inboxTasks.find((x) => x.role === 'provincial' && x.onlyWhile === 'panelShort')?.path.join('.') ?? '';
    const all = [ended, open, scoring, late];
    for (const caseId of all) await t.app.db.insert(taskClaims).values({ caseId, role: 'provincial', userId: w.people.provincial.id, task, claimedAt: new Date() });

    await t.app.db.execute(sql.raw(await readFile(new URL('../../db/migrations/0026_stale_expert_task_holds.sql', import.meta.url), 'utf8')));
    const left = await t.app.db.select({ caseId: taskClaims.caseId }).from(taskClaims).where(inArray(taskClaims.caseId, all));
    expect(left.map((l) => l.caseId).sort()).toEqual([open, late].sort());
  });
});
