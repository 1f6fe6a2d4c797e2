import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { makeWorld } from '../support/world';

// The edges of a round's budget on /money: a case that takes exactly what is left, and a round
// whose budget is all committed with nothing waiting.
const { t } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

function boxOf(html: string, caseId: string): string {
  const at = html.indexOf(`id="nb-case-${caseId}"`);
  expect(at, caseId).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<input', at), html.indexOf('</td>', at));
}

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
