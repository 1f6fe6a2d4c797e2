import { describe, expect, it } from 'vitest';
import { and, eq, ne } from 'drizzle-orm';
import { clocks, users } from '../../db/schema';
import { date } from '../../server/pages/format';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// Whose expert deadlines a reader of a case sees (SPEC §4): per role, combined — the provincial
// reviewer sees every expert's, and being an expert as well only adds one's own.
const { t, w } = useTestApp();

interface Answer {
  clocks: { kind: string; status: string; dueOn: string; assigneeId: string | null }[];
}
const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post(`/cases/${id}/events`, body, token);
const expertClocks = async (id: string, token: string) => {
  const res = await t.api.get<Answer>(`/cases/${id}`, token);
  expect(res.status).toBe(200);
  return res.body.clocks.filter((c) => c.kind === 'expertReview').map((c) => c.assigneeId);
};
/** The deadlines part of the case page, as its reader is shown it. */
const clocksPart = (html: string) => /<section aria-labelledby="clocks">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';

async function panelled(n = 3) {
  const id = await w.caseIn('expert');
  const panel = await w.makeExperts(n);
  expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
  return { id, panel };
}

/** An expert of this test's own who is also a provincial reviewer. */
async function reviewerAndExpert() {
  const [person] = await w.makeExperts(1);
  if (!person) throw new Error('no expert');
  await t.app.db.update(users).set({ roles: ['provincial', 'expert'] }).where(eq(users.id, person.user.id));
  return person;
}

describe("the experts' own deadlines on a case", () => {
  it('shows a provincial reviewer who is an expert too, not on the panel, every expert deadline, by whose it is', async () => {
    const { id, panel } = await panelled();
    const both = await reviewerAndExpert();
    expect(await expertClocks(id, both.token)).toEqual(panel.map((e) => e.user.id));
    const b = new PageClient(t.url);
    await b.signIn(both.user.email);
    const page = await b.get(`/cases/${id}`);
    expect(page.status).toBe(200);
    const part = clocksPart(page.text);
    for (const e of panel) expect(part).toContain(`专家评审（${e.user.name}）`);
  });

  it('shows one who is on the panel too every deadline, their own said to be theirs', async () => {
    const id = await w.caseIn('expert');
    const both = await reviewerAndExpert();
    const others = await w.makeExperts(2);
    const ids = [both.user.id, ...others.map((e) => e.user.id)];
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: ids })).status).toBe(200);
    expect(await expertClocks(id, both.token)).toEqual(ids);
    const b = new PageClient(t.url);
    await b.signIn(both.user.email);
    const part = clocksPart((await b.get(`/cases/${id}`)).text);
    expect(part).toContain('专家评审（本人）');
    for (const e of others) expect(part).toContain(`专家评审（${e.user.name}）`);
  });

  it('tells one who is on the panel too, once they accepted, their own deadline, not an earlier one of another expert', async () => {
    const id = await w.caseIn('expert');
    const both = await reviewerAndExpert();
    const others = await w.makeExperts(2);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [both.user.id, ...others.map((e) => e.user.id)] })).status).toBe(200);
    // the others' deadlines come first: the earliest deadline on the case is not theirs
    await t.app.db.update(clocks).set({ dueOn: '2020-01-02' }).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'expertReview'), ne(clocks.assigneeId, both.user.id)));
    expect((await send(id, both.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    const own = (await t.api.get<Answer>(`/cases/${id}`, both.token)).body.clocks.find((c) => c.kind === 'expertReview' && c.assigneeId === both.user.id);
    if (!own) throw new Error('no own clock');
    const b = new PageClient(t.url);
    await b.signIn(both.user.email);
    const page = await b.get(`/cases/${id}?done=ACCEPT_ASSIGNMENT`);
    const done = /<p role="status" class="done">(.*?)<\/p>/.exec(page.text)?.[1] ?? '';
    expect(done).toContain(`截止日期 ${date(own.dueOn, 'zh')}。`);
    expect(own.dueOn).not.toBe('2020-01-02');
  });

  it('shows an expert on the panel, and no other role, only their own deadline', async () => {
    const { id, panel } = await panelled();
    const [first, second] = panel;
    if (!first || !second) throw new Error('no panel');
    expect(await expertClocks(id, first.token)).toEqual([first.user.id]);
    const b = new PageClient(t.url);
    await b.signIn(first.user.email);
    const part = clocksPart((await b.get(`/cases/${id}`)).text);
    expect(part).toContain('专家评审（本人）');
    expect(part.match(/专家评审/g)).toHaveLength(1);
    expect(part).not.toContain(second.user.name);
  });

  it('shows no one whose deadline it is to the firm, and the case to no expert off the panel', async () => {
    const { id, panel } = await panelled();
    const firm = await t.api.get<Answer>(`/cases/${id}`, w.tokens.firm);
    expect(firm.body.clocks.filter((c) => c.assigneeId !== null)).toEqual([]);
    for (const e of panel) expect(JSON.stringify(firm.body)).not.toContain(e.user.id);
    expect((await t.api.get(`/cases/${id}`, w.tokens.expert)).status).toBe(404);
  });
});
