import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { addCalendarDays, shanghaiDate } from '../../server/calendar/workdays';
import { claimsListSchema } from '../../server/claims/view-schema';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// GET /claims: every claim the caller sees, on all their cases, with the read rules of GET /claims/:id.
// The province sees all claims: the file has a database of its own (and one world: each test
// looks at its own claims among those the earlier ones made).
const { t, w } = useTestApp({ ownDatabase: true });

interface Item {
  id: string;
  number: string;
  caseId: string;
  caseNumber: string;
  firmName: string;
  insurerId: string | null;
  kind: string;
  occurredOn: string;
  amount: string;
  paidAmount: string | null;
  state: string;
  decidedAt: string | null;
}
interface List {
  items: Item[];
  nextCursor: string | null;
}
interface Problem {
  errors?: { path: string; message: string; messageZh?: string }[];
}

let today: string;
beforeAll(() => {
  today = shanghaiDate(t.app.clock.now());
});

/** An approved case whose policy covers the last 200 days; `insurerId` moves its policy to another insurer once approved. */
async function approvedCase(insurerId?: string): Promise<string> {
  const startsOn = addCalendarDays(today, -200);
  const id = await w.caseIn('approved', { policy: { ...w.caseBody().policy, startsOn, endsOn: addCalendarDays(today, 100), paidOn: startsOn } });
  // the world's steps have its own insurer verify the policy: the other insurer's case is made so afterwards
  if (insurerId) await t.app.db.update(cases).set({ insurerId }).where(eq(cases.id, id));
  return id;
}

async function reported(caseId: string, amount = '120000.50'): Promise<string> {
  const res = await t.api.post<{ id: string }>(`/cases/${caseId}/claims`, { occurredOn: addCalendarDays(today, -30), kind: 'quality', amount, description: '交付批次表面缺陷' }, w.tokens.firm);
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const list = (query: string, token: string) => t.api.get<List & Problem>(`/claims${query}`, token);
const ids = (res: { body: List }) => res.body.items.map((i) => i.id);

describe('GET /claims', () => {
  it('lists the insurer’s claims newest first with case, firm, amounts and decision, filtered by status, a page at a time', async () => {
    const caseId = await approvedCase();
    const first = await reported(caseId);
    const second = await reported(caseId, '5000.00');
    const paid = await t.api.post(`/claims/${first}/events`, { type: 'PAY', amount: '100000.00', reference: 'PICC-LP-1' }, w.tokens.insurer);
    expect(paid.status).toBe(200);

    const all = await list('', w.tokens.insurer);
    expect(all.status).toBe(200);
    expect(claimsListSchema.safeParse(all.body).success).toBe(true);
    expect(ids(all)).toEqual([second, first]);
    const caseNumber = all.body.items[0]?.caseNumber ?? '';
    expect(all.body.items[1]).toMatchObject({ caseId, caseNumber, number: `${caseNumber}-LP1`, firmName: w.firm.name, insurerId: w.insurer.id, kind: 'quality', occurredOn: addCalendarDays(today, -30), amount: '120000.50', paidAmount: '100000.00', state: 'paid' });
    expect(all.body.items[1]?.decidedAt).toEqual(expect.any(String));
    expect(all.body.items[0]).toMatchObject({ amount: '5000.00', paidAmount: null, state: 'reported', decidedAt: null });

    expect(ids(await list('?status=paid', w.tokens.insurer))).toEqual([first]);
    expect(ids(await list('?status=reported', w.tokens.insurer))).toEqual([second]);
    expect(ids(await list('?status=denied', w.tokens.insurer))).toEqual([]);

    const page = await list('?limit=1', w.tokens.insurer);
    expect(ids(page)).toEqual([second]);
    const next = await list(`?limit=1&cursor=${page.body.nextCursor ?? ''}`, w.tokens.insurer);
    expect(next.body).toMatchObject({ items: [expect.objectContaining({ id: first })], nextCursor: null });
  });

  it('gives the province every insurer’s claims and filters them by insurer; a city and a firm their own', async () => {
    const ours = await reported(await approvedCase());
    const theirs = await reported(await approvedCase(w.otherInsurer.id));
    // the file's earlier tests' claims are there too: the province sees every one
    expect(ids(await list('', w.tokens.provincial)).filter((id) => id === theirs || id === ours)).toEqual([theirs, ours]);
    expect(ids(await list(`?insurerId=${w.otherInsurer.id}`, w.tokens.provincial))).toEqual([theirs]);
    const byOurs = ids(await list(`?insurerId=${w.insurer.id.toUpperCase()}`, w.tokens.provincial));
    expect(byOurs).toContain(ours);
    expect(byOurs).not.toContain(theirs);
    expect(ids(await list('', w.tokens.municipal))).toEqual(expect.arrayContaining([theirs, ours]));
    expect(ids(await list('', w.tokens.otherMunicipal))).not.toContain(ours);
    expect(ids(await list('', w.tokens.firm))).toEqual(expect.arrayContaining([theirs, ours]));
    expect(ids(await list('', w.tokens.otherFirm))).toEqual([]);
  });
});

describe('GET /claims refuses', () => {
  it('answers 400 with reasons for a bad status, insurer, limit, cursor or an unknown filter', async () => {
    const bad = async (query: string, path: string) => {
      const res = await list(query, w.tokens.provincial);
      expect(res.status, query).toBe(400);
      expect(res.body.errors?.map((e) => e.path), query).toContain(path);
    };
    await bad('?status=approved', 'query.status');
    await bad('?insurerId=PICC', 'query.insurerId');
    await bad('?limit=0', 'query.limit');
    await bad('?limit=101', 'query.limit');
    await bad('?cursor=not-a-cursor', 'query.cursor');
    await bad('?state=paid', 'query');
  });
});

describe('GET /claims security', () => {
  it('refuses the roles that see no claims (403) and the signed-out (401)', async () => {
    for (const who of ['expert', 'finance', 'admin'] as const) expect((await list('', w.tokens[who])).status, who).toBe(403);
    expect((await t.api.get('/claims')).status).toBe(401);
  });

  it('never shows an insurer another company’s claims, even when it asks for them by insurer', async () => {
    const theirs = await reported(await approvedCase(w.otherInsurer.id));
    expect(ids(await list('', w.tokens.insurer))).not.toContain(theirs);
    expect(ids(await list(`?insurerId=${w.otherInsurer.id}`, w.tokens.insurer))).toEqual([]);
    expect(ids(await list('', w.tokens.otherInsurer))).toContain(theirs);
  });
});

async function signedIn(email: string): Promise<PageClient> {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
}

/** The table row of a claim on the page, from its number's link to the row's end. */
function rowOf(html: string, claimId: string): string {
  const at = html.indexOf(`#claim-${claimId}"`);
  return at < 0 ? '' : html.slice(at, html.indexOf('</tr>', at));
}

describe('the /claims page', () => {
  it('lists the insurer’s claims in Chinese and English, each linked to its place on its case, filtered by status', async () => {
    const caseId = await approvedCase();
    const open = await reported(caseId, '8000.00');
    const decided = await reported(caseId);
    expect((await t.api.post(`/claims/${decided}/events`, { type: 'PAY', amount: '100000.00', reference: 'PICC-LP-2' }, w.tokens.insurer)).status).toBe(200);
    const b = await signedIn(w.people.insurer.email);
    expect((await b.get('/')).text).toContain('<a href="/claims">理赔</a>');
    const page = await b.get('/claims');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<a href="/cases/${caseId}#claim-${decided}">`);
    const row = rowOf(page.text, decided);
    expect(row).toContain(w.firm.name);
    expect(row).toContain('质量风险');
    expect(row).toContain('120,000.50');
    expect(row).toContain('100,000.00');
    expect(row).toContain('已赔付');
    expect(rowOf(page.text, open)).toContain('待保险公司决定');
    // an insurer sees its own company's only: no insurer to choose
    expect(page.text).not.toContain('name="insurerId"');
    const paid = await b.get('/claims?status=paid');
    expect(rowOf(paid.text, decided)).not.toBe('');
    expect(rowOf(paid.text, open)).toBe('');
    b.cookies.set('fb_lang', 'en');
    const en = await b.get('/claims');
    expect(en.text).toContain('<a href="/claims" aria-current="page">Claims</a>');
    expect(rowOf(en.text, decided)).toContain('Paid');
  });

  it('lets the province choose the insurer', async () => {
    const ours = await reported(await approvedCase());
    const theirs = await reported(await approvedCase(w.otherInsurer.id));
    const b = await signedIn(w.people.provincial.email);
    const all = await b.get('/claims');
    expect(all.text).toContain('name="insurerId"');
    const filtered = await b.get(`/claims?insurerId=${w.otherInsurer.id}`);
    expect(rowOf(filtered.text, theirs)).not.toBe('');
    expect(rowOf(filtered.text, ours)).toBe('');
  });

  it('answers a bad filter with 400 and says why', async () => {
    const b = await signedIn(w.people.provincial.email);
    const res = await b.get('/claims?status=approved');
    expect(res.status).toBe(400);
    expect(res.text).toContain('请从可选的项中选择（reported、paid、denied）');
  });

  it('is neither in the navigation nor open to the roles that see no claims, and sends a visitor to sign in', async () => {
    for (const who of ['expert', 'finance', 'admin'] as const) {
      const b = await signedIn(w.people[who].email);
      expect((await b.get('/')).text, who).not.toContain('href="/claims"');
      expect((await b.get('/claims')).status, who).toBe(403);
    }
    const visitor = await new PageClient(t.url).get('/claims');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/claims')}`);
  });

  it('never shows an insurer another company’s claims', async () => {
    const theirs = await reported(await approvedCase(w.otherInsurer.id));
    const b = await signedIn(w.people.insurer.email);
    expect((await b.get('/claims')).text).not.toContain(theirs);
    expect((await b.get(`/claims?insurerId=${w.otherInsurer.id}`)).text).not.toContain(theirs);
  });
});
