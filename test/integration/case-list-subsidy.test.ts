import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../server/calendar/dates';
import { startTestApp, type TestApp } from '../support/app';
import { makeWorld, PASSING_SCORES, type World } from '../support/world';
import { PageClient } from '../support/pages';

// The subsidy on the list of cases (GET /cases and the /cases page): what GET /cases/:id/subsidy
// gives, to those it answers — the firm, its reviewers and finance — and nothing to the others.
let t: TestApp;
let w: World;
let approved: string;
let paid: string;
let submitted: string;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app.db, t.api, t.app);
  approved = await w.caseIn('approved');
  paid = await w.caseIn('approved');
  submitted = await w.submittedCase();
  const batch = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds: [paid] }, w.tokens.finance);
  expect(batch.status).toBe(201);
  const steps: [Record<string, unknown>, string][] = [
    [{ type: 'SUBMIT' }, w.tokens.finance],
    [{ type: 'APPROVE' }, w.tokens.finance2],
    [{ type: 'SETTLE', payments: [{ caseId: paid, reference: 'ICBC-20261201-0042', paidOn: today() }] }, w.tokens.finance],
  ];
  for (const [event, token] of steps) expect((await t.api.post(`/disbursements/${batch.body.id}/events`, event, token)).status).toBe(200);
});
afterAll(async () => t.close());

const today = () => shanghaiDate(t.app.clock.now());
interface Item {
  id: string;
  state: string;
  contractAmount: string | null;
  subsidy: string | null;
  paidOn: string | null;
}
// this file's round: reviewers and finance see every firm's cases, which other files add meanwhile
const listed = async (token: string) => {
  const res = await t.api.get<{ items: Item[] }>(`/cases?limit=100&roundId=${w.round.id}`, token);
  expect(res.status).toBe(200);
  return new Map(res.body.items.map((i) => [i.id, i]));
};
const subsidyOf = async (id: string) => (await t.api.get<{ amount: string }>(`/cases/${id}/subsidy`, w.tokens.firm)).body.amount;
const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

describe('GET /cases: the subsidy of approved cases', () => {
  it('gives the firm the subsidy of its approved cases as the subsidy view does, the day a paid one was paid, and none before the approval', async () => {
    const mine = await listed(w.tokens.firm);
    expect(mine.get(approved)).toMatchObject({ state: 'calculated', subsidy: await subsidyOf(approved), paidOn: null });
    expect(mine.get(paid)).toMatchObject({ state: 'paid', subsidy: await subsidyOf(paid), paidOn: today() });
    expect(mine.get(submitted)).toMatchObject({ subsidy: null, paidOn: null });
    // the subsidy is not the contract amount it used to be confused with
    expect(mine.get(approved)?.subsidy).not.toBe(mine.get(approved)?.contractAmount);
  });

  it('gives it to the reviewers and finance, who see it on the case', async () => {
    for (const role of ['municipal', 'provincial', 'finance'] as const) {
      const seen = await listed(w.tokens[role]);
      expect(seen.get(paid), role).toMatchObject({ subsidy: await subsidyOf(paid), paidOn: today() });
    }
  });

  it('gives the insurer the case without its subsidy or payment, as GET /cases/:id/subsidy refuses it', async () => {
    expect((await t.api.get(`/cases/${paid}/subsidy`, w.tokens.insurer)).status).toBe(403);
    const seen = await listed(w.tokens.insurer);
    expect(seen.get(paid)).toMatchObject({ state: 'paid', subsidy: null, paidOn: null });
    expect(seen.get(approved)).toMatchObject({ subsidy: null, paidOn: null });
  });

  it('gives the expert who scored an approved case the case without its subsidy', async () => {
    const id = await w.caseIn('expert');
    const [scorer] = await w.expertsScore(id, PASSING_SCORES);
    if (!scorer) throw new Error('no expert');
    await w.noticePassed(id);
    expect((await t.api.get(`/cases/${id}/subsidy`, scorer.token)).status).toBe(403);
    const seen = await listed(scorer.token);
    expect(seen.get(id)).toMatchObject({ state: 'calculated', subsidy: null, paidOn: null });
  });

  it('gives the day of the payment that was paid, not of one that failed before it', async () => {
    const id = await w.caseIn('approved');
    const event = async (batchId: string, body: Record<string, unknown>, token: string) => expect((await t.api.post(`/disbursements/${batchId}/events`, body, token)).status).toBe(200);
    const batch = async () => {
      const made = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds: [id] }, w.tokens.finance);
      expect(made.status).toBe(201);
      await event(made.body.id, { type: 'SUBMIT' }, w.tokens.finance);
      await event(made.body.id, { type: 'APPROVE' }, w.tokens.finance2);
      return made.body.id;
    };
    await event(await batch(), { type: 'SETTLE', payments: [{ caseId: id, failure: '收款账户已销户' }] }, w.tokens.finance);
    expect((await listed(w.tokens.firm)).get(id)).toMatchObject({ paidOn: null });
    await event(await batch(), { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-20261201-0043', paidOn: today() }] }, w.tokens.finance);
    expect((await listed(w.tokens.firm)).get(id)).toMatchObject({ state: 'paid', subsidy: await subsidyOf(id), paidOn: today() });
  });

  it("lists no subsidy of another firm's case to a firm, and nothing at all to an administrator", async () => {
    const other = await listed(w.tokens.otherFirm);
    expect(other.has(paid)).toBe(false);
    expect((await listed(w.tokens.admin)).has(paid)).toBe(false);
    expect((await t.api.get('/cases')).status).toBe(401);
  });

  it('answers 400 with the reason for a filter it cannot read', async () => {
    const res = await t.api.get<{ errors: { path: string }[] }>('/cases?state=approvedd', w.tokens.firm);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path)).toContain('query.state');
  });
});

describe('the case list page: the subsidy column', () => {
  it('shows the firm the subsidy of its approved cases and when a paid one was paid, beside the contract amount', async () => {
    const page = await (await signedIn(w.people.firm.email)).get('/cases');
    expect(page.status).toBe(200);
    expect(page.text).toContain('补偿金额（元）');
    const amount = (await subsidyOf(paid)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const [y, m, d] = today().split('-');
    expect(page.text).toContain(`${amount}（${y}年${Number(m)}月${Number(d)}日已拨付）`);
    const row = page.text.split('<tr').find((r) => r.includes(`href="/cases/${submitted}"`)) ?? '';
    expect(row).toContain('10,000,000.00');
    expect(row).toContain('>—</td>');
  });

  it("shows the insurer no subsidy column, and no firm another firm's subsidy", async () => {
    const insurer = await (await signedIn(w.people.insurer.email)).get('/cases');
    expect(insurer.status).toBe(200);
    expect(insurer.text).toContain(`href="/cases/${paid}"`);
    expect(insurer.text).not.toContain('补偿金额');
    expect(insurer.text).not.toContain('日已拨付）');
    const other = await (await signedIn(w.people.otherFirm.email)).get('/cases');
    expect(other.text).not.toContain(paid);
  });

  it('answers the 400 page for an unknown state filter', async () => {
    const page = await (await signedIn(w.people.firm.email)).get('/cases?state=approvedd');
    expect(page.status).toBe(400);
  });
});
