import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { wholeInbox } from '../support/inbox';
import { makeWorld, type World } from '../support/world';

// A pro-rata proposal awaits a second finance user (SPEC §6, four eyes): it is in the inbox of
// every finance user but its proposer and listed on /money, until it is approved or superseded.
// its own database: finance's inbox holds every approved case awaiting a batch, and the page shows its first page only
const { t } = useTestApp({ ownDatabase: true });

interface Task {
  caseId: string | null;
  roundId: string;
  proRataId: string | null;
  number: string;
  state: string;
  task: string;
  taskZh: string;
  proRata: { cases: number; total: string; available: string; proposedBy: { id: string; name: string } } | null;
  due: unknown;
  claimedBy: unknown;
}

/** A world whose round has two approved cases of 1,000,000.00 yuan each and a budget of 1,500,000.00. */
async function overBudget(): Promise<World> {
  const own = await makeWorld(t.app.db, t.api, t.app);
  await own.caseIn('approved');
  await own.caseIn('approved');
  await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
  return own;
}

async function propose(world: World, token: string): Promise<string> {
  const res = await t.api.post<{ id: string }>(`/rounds/${world.round.id}/pro-rata`, undefined, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const taskOf = async (token: string, id: string) => (await wholeInbox<Task>(t.api, token)).filter((i) => i.proRataId === id);

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

describe('a pro-rata proposal awaiting approval', () => {
  it('is the task of every finance user but its proposer, and of nobody of another role, until it is approved', async () => {
    const own = await overBudget();
    const id = await propose(own, own.tokens.finance);
    expect(await taskOf(own.tokens.finance, id)).toEqual([]);
    const third = await makeUser(t.app.db, { roles: ['finance'], name: '财务三' });
    const expected = {
      caseId: null,
      roundId: own.round.id,
      claimId: null,
      batchId: null,
      proRataId: id,
      number: own.round.name,
      state: 'open',
      task: 'approve the pro-rata reduction',
      taskZh: '审核按比例核减方案',
      via: null,
      materialName: null,
      firmName: null,
      batch: null,
      proRata: { cases: 2, total: '2000000.00', available: '1500000.00', proposedBy: { id: own.people.finance.id, name: own.people.finance.name } },
      due: null,
      claimedBy: null,
    };
    expect(await taskOf(own.tokens.finance2, id)).toEqual([expected]);
    expect(await taskOf(await t.api.login(third.email), id)).toEqual([expected]);
    for (const who of ['provincial', 'municipal', 'insurer', 'firm', 'expert', 'admin'] as const) expect(await taskOf(own.tokens[who], id), who).toEqual([]);

    // the inbox page links it to the proposal's page
    const inbox = await (await signedIn(own.people.finance2.email)).get('/inbox');
    expect(inbox.text).toContain(`href="/money/rounds/${own.round.id}/pro-rata/${id}"`);
    expect(inbox.text).toContain('审核按比例核减方案');
    expect(inbox.text).toContain(`2 项申请，合计 2,000,000.00 元核减至 1,500,000.00 元；提出人 ${own.people.finance.name}`);
    expect((await (await signedIn(own.people.finance.email)).get('/inbox')).text).not.toContain(`/pro-rata/${id}`);

    expect((await t.api.post(`/rounds/${own.round.id}/pro-rata/${id}/approve`, undefined, own.tokens.finance2)).status).toBe(200);
    expect(await taskOf(own.tokens.finance2, id)).toEqual([]);
    expect(await taskOf(await t.api.login(third.email), id)).toEqual([]);
  });

  it('leaves the inbox when a newer proposal supersedes it, which is then the task of the others, its first proposer among them', async () => {
    const own = await overBudget();
    const first = await propose(own, own.tokens.finance);
    const second = await propose(own, own.tokens.finance2);
    expect(await taskOf(own.tokens.finance2, first)).toEqual([]);
    expect(await taskOf(own.tokens.finance2, second)).toEqual([]);
    expect((await taskOf(own.tokens.finance, second)).map((i) => i.proRataId)).toEqual([second]);
    expect(await taskOf(own.tokens.finance, first)).toEqual([]);
  });

  it('is listed on /money with its proposer and time, linked, and after approval among the decided ones', async () => {
    const own = await overBudget();
    const id = await propose(own, own.tokens.finance);
    const link = `/money/rounds/${own.round.id}/pro-rata/${id}`;
    const other = await signedIn(own.people.finance2.email);
    const page = (await other.get('/money')).text;
    const open = page.slice(page.indexOf('<h3>待审核</h3>'));
    expect(open).toContain(`href="${link}"`);
    const row = open.slice(open.indexOf(`href="${link}"`), open.indexOf('</tr>', open.indexOf(`href="${link}"`)));
    expect(row).toContain(own.people.finance.name);
    expect(row).toContain('待审核');
    expect(row).toContain('2 项申请，合计 2,000,000.00 元核减至 1,500,000.00 元');
    expect(row).toContain('请审核');
    expect(row).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    // the proposer is told it awaits somebody else
    const own1 = (await (await signedIn(own.people.finance.email)).get('/money')).text;
    const mine = own1.slice(own1.indexOf(`href="${link}"`), own1.indexOf('</tr>', own1.indexOf(`href="${link}"`)));
    expect(mine).toContain('待另一名财务人员审核');
    // the provincial reviewers read it too
    expect((await (await signedIn(own.people.provincial.email)).get('/money')).text).toContain(`href="${link}"`);

    expect((await other.post(`${link}/approve`, { _csrf: PageClient.csrfOf((await other.get(link)).text) })).status).toBe(303);
    const after = (await other.get('/money')).text;
    const decided = after.slice(after.indexOf('<h3>最近已处理</h3>'));
    expect(after.indexOf('<h3>最近已处理</h3>')).toBeGreaterThan(0);
    const decidedRow = decided.slice(decided.indexOf(`href="${link}"`), decided.indexOf('</tr>', decided.indexOf(`href="${link}"`)));
    expect(decidedRow).toContain('已生效');
    expect(decidedRow).toContain(`${own.people.finance2.name} 于`);
    const openPart = after.slice(after.indexOf('<h3>待审核</h3>'), after.indexOf('<h3>最近已处理</h3>'));
    expect(openPart).not.toContain(`href="${link}"`);
  });
});
