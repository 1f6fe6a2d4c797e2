import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { proRataProposals, rounds } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { makeWorld } from '../support/world';

// The money page: a round over its budget, the reduction proposed by one finance user in the
// browser's forms and approved by another — the pro-rata services underneath.
const { t, w } = useTestApp({ ownDatabase: true });

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

describe('the money page', () => {
  it('shows a round over budget, takes a proposal from one finance user and its approval from another', async () => {
    const ids = [await w.caseIn('approved'), await w.caseIn('approved')];
    await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, w.round.id));
    const first = await signedIn(w.people.finance.email);
    const page = await first.get('/money');
    expect(page.status).toBe(200);
    expect(page.text).toContain('1,500,000.00');
    expect(page.text).toContain('提出按比例核减方案');
    expect(page.text).toMatch(/,\d{3}\.\d{2}（2 项）/);
    // the column holds how the round stands against its budget, beside any proposal to make
    expect(page.text).toMatch(/<th[^>]*>预算情况<\/th>/);
    expect(page.text).not.toMatch(/<th[^>]*>操作<\/th>/);
    const row = page.text.slice(page.text.indexOf(w.round.name), page.text.indexOf('</tr>', page.text.indexOf(w.round.name)));
    expect(row).toContain('超出预算');
    // in English, English brackets and plurals
    first.cookies.set('fb_lang', 'en');
    const english = (await first.get('/money')).text;
    expect(english).toMatch(/,\d{3}\.\d{2} \(2 cases\)/);
    expect(english).not.toContain('（');
    expect(english).toMatch(/<th[^>]*>Budget<\/th>/);
    first.cookies.set('fb_lang', 'zh');

    const proposed = await first.post(`/money/rounds/${w.round.id}/pro-rata`, { _csrf: PageClient.csrfOf(page.text) });
    expect(proposed.status).toBe(303);
    const location = proposed.headers.get('location') ?? '';
    const own = await first.get(location);
    expect(own.text).toContain('方案须由另一名财务人员审核。');
    expect(own.text).toContain('class="num">750,000.00</td>');

    const second = await makeUser(t.app.db, { roles: ['finance'] });
    const other = await signedIn(second.email);
    const view = await other.get(location);
    const approved = await other.post(`${location}/approve`, { _csrf: PageClient.csrfOf(view.text) });
    expect(approved.status).toBe(303);
    expect((await other.get(`${location}?done=1`)).text).toContain('方案已生效');
    for (const id of ids) {
      expect((await t.api.get<{ amount: string }>(`/cases/${id}/subsidy`, w.tokens.firm)).body.amount).toBe('750000.00');
    }
  });

  it('shows a round whose committed money passes a budget lowered since as over budget, by how much', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await own.caseIn('approved');
    const batch = await t.api.post<{ cases: { amount: string }[] }>('/disbursements', { roundId: own.round.id, caseIds: [id] }, own.tokens.finance);
    expect(batch.status).toBe(201);
    expect(batch.body.cases[0]?.amount).toBe('1000000.00');
    await t.app.db.update(rounds).set({ budgetFen: 60_000_000n }).where(eq(rounds.id, own.round.id));
    const page = await (await signedIn(own.people.finance.email)).get('/money');
    const row = page.text.slice(page.text.indexOf(own.round.name), page.text.indexOf('</tr>', page.text.indexOf(own.round.name)));
    expect(row).toContain('-400,000.00');
    expect(row).toContain('超出预算');
    expect(row).not.toContain('在预算之内');
    // nothing is left to reduce: no proposal is offered
    expect(row).not.toContain('提出按比例核减方案');
  });

  it('offers no reduction when the budget is spent and calculated cases wait: it would set every one of them to zero', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const batched = await own.caseIn('approved');
    await own.caseIn('approved');
    expect((await t.api.post('/disbursements', { roundId: own.round.id, caseIds: [batched] }, own.tokens.finance)).status).toBe(201);
    await t.app.db.update(rounds).set({ budgetFen: 100_000_000n }).where(eq(rounds.id, own.round.id));
    const page = await (await signedIn(own.people.finance.email)).get('/money');
    const row = page.text.slice(page.text.indexOf(own.round.name), page.text.indexOf('</tr>', page.text.indexOf(own.round.name)));
    expect(row).toContain('超出预算');
    expect(row).not.toContain('提出按比例核减方案');
  });

  it('refuses a proposal or an approval without its form token, and changes nothing', async () => {
    await w.caseIn('approved');
    await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, w.round.id));
    const first = await signedIn(w.people.finance.email);
    await first.get('/money');
    const proposalsBefore = (await t.app.db.select().from(proRataProposals)).length;
    expect((await first.post(`/money/rounds/${w.round.id}/pro-rata`, {})).status).toBe(403);
    expect((await first.post(`/money/rounds/${w.round.id}/pro-rata`, { _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await t.app.db.select().from(proRataProposals)).length).toBe(proposalsBefore);

    const proposed = await first.post(`/money/rounds/${w.round.id}/pro-rata`, { _csrf: PageClient.csrfOf((await first.get('/money')).text) });
    expect(proposed.status).toBe(303);
    const location = proposed.headers.get('location') ?? '';
    const other = await signedIn((await makeUser(t.app.db, { roles: ['finance'] })).email);
    await other.get(location);
    expect((await other.post(`${location}/approve`, {})).status).toBe(403);
    expect((await other.get(location)).text).not.toContain('方案已生效');
    const [row] = await t.app.db.select().from(proRataProposals).where(eq(proRataProposals.id, location.split('/').pop() ?? ''));
    expect(row?.status).toBe('open');
  });

  it("refuses the firm's forms for who it is, before any round's money is shown", async () => {
    await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, w.round.id));
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get('/')).text);
    const res = await firm.post(`/money/rounds/${w.round.id}/pro-rata`, { _csrf: csrf });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('1,500,000.00');
    expect(res.text).not.toContain('提出按比例核减方案');
  });

  it('is refused to the firm, the municipal reviewer and the insurer', async () => {
    for (const who of ['firm', 'municipal', 'insurer'] as const) {
      expect((await (await signedIn(w.people[who].email)).get('/money')).status, who).toBe(403);
    }
  });
});
