import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { makeWorld } from '../support/world';

// A round whose budget cannot take every approved case: /money says what can be done, and the
// new-batch form ticks at first only what the budget takes, saying why beside the others.
const { t } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

/** The check box of a case on the new-batch form, and what is said beside it. */
function boxOf(html: string, caseId: string): string {
  const at = html.indexOf(`id="nb-case-${caseId}"`);
  expect(at, caseId).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<input', at), html.indexOf('</td>', at));
}

describe('a round whose budget is all committed', () => {
  it('says on /money what can be done, and leaves its waiting case unticked on the new-batch form, saying why', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const batched = await own.caseIn('approved');
    const waiting = await own.caseIn('approved');
    expect((await t.api.post('/disbursements', { roundId: own.round.id, caseIds: [batched] }, own.tokens.finance)).status).toBe(201);
    await t.app.db.update(rounds).set({ budgetFen: 100_000_000n }).where(eq(rounds.id, own.round.id));
    const finance = await signedIn(own.people.finance.email);
    const page = (await finance.get(`/money?roundId=${own.round.id}`)).text;
    const row = page.slice(page.indexOf(own.round.name), page.indexOf('</tr>', page.indexOf(own.round.name)));
    expect(row).toContain('超出预算');
    expect(row).toContain('本轮预算已全部纳入拨付，待拨付的 1 项申请无法纳入拨付批次。可请管理员在申报批次设置中提高本轮预算');
    expect(row).toContain('取消草稿状态的拨付批次');
    expect(row).not.toContain('提出按比例核减方案');
    const box = boxOf(page, waiting);
    expect(box).not.toMatch(/\schecked/);
    expect(box).toContain('本轮申报预算已全部纳入拨付，纳入此申请将超出预算，故未勾选。');
    expect(box).toContain(`aria-describedby="nb-case-${waiting}-budget"`);
    // in English too
    finance.cookies.set('fb_lang', 'en');
    const english = (await finance.get(`/money?roundId=${own.round.id}`)).text;
    expect(english).toContain('The round&#39;s budget is all committed: the application awaiting payment cannot go into a disbursement batch.');
    expect(boxOf(english, waiting)).toContain('this application would take the batch past it, so it is not ticked.');
  });

  it('ticks at first the cases the budget still takes, and names what is left beside the one it does not', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const ids = [await own.caseIn('approved'), await own.caseIn('approved')];
    await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
    const page = (await (await signedIn(own.people.finance.email)).get(`/money?roundId=${own.round.id}`)).text;
    // listed in id order: the first fits, the second does not
    const [first, second] = [...ids].sort();
    expect(boxOf(page, first ?? '')).toMatch(/\schecked/);
    expect(boxOf(page, first ?? '')).not.toContain('故未勾选');
    expect(boxOf(page, second ?? '')).not.toMatch(/\schecked/);
    expect(boxOf(page, second ?? '')).toContain('本轮申报预算在已勾选的申请之外尚余 500,000.00 元，不足以纳入此申请，故未勾选。');
    // a reduction is still offered, and no "spent" note: something is left to share
    const row = page.slice(page.indexOf(own.round.name), page.indexOf('</tr>', page.indexOf(own.round.name)));
    expect(row).toContain('提出按比例核减方案');
    expect(row).not.toContain('本轮预算已全部纳入拨付');
  });

  it('ticks every case of a round without a budget', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await own.caseIn('approved');
    const page = (await (await signedIn(own.people.finance.email)).get(`/money?roundId=${own.round.id}`)).text;
    expect(boxOf(page, id)).toMatch(/\schecked/);
    expect(boxOf(page, id)).not.toContain('故未勾选');
  });
});

// the edges: a case that takes exactly what is left, and a round whose budget is all committed with nothing waiting
describe("a round's budget at its edges", () => {
  it('ticks at first a case that takes exactly what is left of the budget', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await own.caseIn('approved');
    // the case asks for 1,000,000.00 yuan: the budget is that, to the fen
    await t.app.db.update(rounds).set({ budgetFen: 100_000_000n }).where(eq(rounds.id, own.round.id));
    const page = (await (await signedIn(own.people.finance.email)).get(`/money?roundId=${own.round.id}`)).text;
    expect(boxOf(page, id)).toMatch(/\schecked/);
    expect(boxOf(page, id)).not.toContain('故未勾选');
    const row = page.slice(page.indexOf(own.round.name), page.indexOf('</tr>', page.indexOf(own.round.name)));
    expect(row).not.toContain('本轮预算已全部纳入拨付');
  });

  it('says nothing of a spent budget when no case waits for it', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const batched = await own.caseIn('approved');
    expect((await t.api.post('/disbursements', { roundId: own.round.id, caseIds: [batched] }, own.tokens.finance)).status).toBe(201);
    await t.app.db.update(rounds).set({ budgetFen: 100_000_000n }).where(eq(rounds.id, own.round.id));
    const page = (await (await signedIn(own.people.finance.email)).get('/money')).text;
    const row = page.slice(page.indexOf(own.round.name), page.indexOf('</tr>', page.indexOf(own.round.name)));
    expect(row).toContain(own.round.name);
    expect(row).not.toContain('本轮预算已全部纳入拨付');
    expect(row).not.toContain('无法纳入拨付批次');
  });
});
