import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnterprise } from '../../seeds/factories';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// The firm list (GET /enterprises, the /firms page): the firms a reviewer may read, as the firm
// page lets them, with the profile check and the applications counted. Firms are global: a
// database of its own, so that the lists hold only this file's firms.
const { t, w } = useTestApp({ ownDatabase: true });

interface Item {
  id: string;
  name: string;
  uscc: string;
  city: string;
  profileComplete: boolean;
  missing: string[];
  applications: number;
  liveApplications: number;
}
interface List {
  items: Item[];
  nextCursor: string | null;
}
interface Problem {
  errors: { path: string; message: string }[];
}

const tag = randomUUID().slice(0, 6);
// a name with LIKE's wildcards in it: a search for "%_" means that text, not a pattern
const odd = `百分百%_材料${tag}有限公司`;
let gappy: Awaited<ReturnType<typeof makeEnterprise>>;

beforeAll(async () => {
  // the world's Hangzhou firm: a draft, a submitted application and a withdrawn one
  await w.caseIn('draft');
  await w.submittedCase();
  const withdrawn = await w.submittedCase();
  const res = await t.api.post(`/cases/${withdrawn}/events`, { type: 'WITHDRAW', reason: '测试撤回' }, w.tokens.firm);
  if (res.status !== 200) throw new Error(`withdrawal failed: ${res.status} ${JSON.stringify(res.body)}`);
  gappy = await makeEnterprise(t.app.db, { city: '330100', name: odd, bankAccount: '' });
});

const list = (token: string | undefined, query = '') => t.api.get<List & Problem>(`/enterprises?limit=100${query}`, token);
const ids = (l: List) => l.items.map((i) => i.id);

describe('GET /enterprises', () => {
  it('lists every firm to the province, newest first, with the profile check and the applications it sees', async () => {
    const res = await list(w.tokens.provincial);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([gappy.id, w.otherFirm.id, w.firm.id]);
    const firm = res.body.items.find((i) => i.id === w.firm.id);
    // the draft is the firm's own; the withdrawn one counts, but not as live
    expect(firm).toMatchObject({ name: w.firm.name, uscc: w.firm.uscc, city: '330100', profileComplete: true, missing: [], applications: 2, liveApplications: 1 });
    expect(res.body.items[0]).toMatchObject({ name: odd, profileComplete: false, missing: ['bankAccount'], applications: 0, liveApplications: 0 });
    expect(res.body.nextCursor).toBeNull();
  });

  it("lists a municipal reviewer their city's firms only, and another city's reviewer none of them", async () => {
    expect(ids((await list(w.tokens.municipal)).body)).toEqual([gappy.id, w.firm.id]);
    expect((await list(w.tokens.municipal)).body.items.find((i) => i.id === w.firm.id)).toMatchObject({ applications: 2, liveApplications: 1 });
    expect(ids((await list(w.tokens.otherMunicipal)).body)).toEqual([w.otherFirm.id]);
    for (const q of [w.firm.name, w.firm.uscc, tag]) expect(ids((await list(w.tokens.otherMunicipal, `&q=${encodeURIComponent(q)}`)).body), q).toEqual([]);
  });

  it('finds a firm by a part of its name or of its USCC, whatever the letter case, and % and _ as text', async () => {
    const search = async (q: string) => ids((await list(w.tokens.provincial, `&q=${encodeURIComponent(q)}`)).body);
    expect(await search(`材料${tag}`)).toEqual([gappy.id]);
    expect(await search(w.firm.uscc.slice(4, 14).toLowerCase())).toEqual([w.firm.id]);
    expect(await search('百分百%_')).toEqual([gappy.id]);
    expect(await search('%')).toEqual([gappy.id]);
    expect(await search('百_百')).toEqual([]);
    expect(await search('  ')).toHaveLength(3);
  });

  it('pages through the firms one by one, each once, and offers no page after the last', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: { status: number; body: List } = await t.api.get(`/enterprises?limit=1${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.provincial);
      expect(res.status).toBe(200);
      pages.push(ids(res.body));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    // the last firm's page is the last page: no cursor to an empty one
    expect(pages).toEqual([[gappy.id], [w.otherFirm.id], [w.firm.id]]);
    const whole = await t.api.get<List>('/enterprises?limit=3', w.tokens.provincial);
    expect(ids(whole.body)).toHaveLength(3);
    expect(whole.body.nextCursor).toBeNull();
  });

  it('refuses a search of more than 50 characters with the reason, and takes 50', async () => {
    const long = await list(w.tokens.provincial, `&q=${encodeURIComponent('材'.repeat(51))}`);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ path: 'query.q', message: 'at most 50 characters' })]);
    expect((await list(w.tokens.provincial, `&q=${encodeURIComponent('材'.repeat(50))}`)).status).toBe(200);
  });

  it('refuses a cursor it did not give out, a bad limit and an unknown parameter, with the reasons', async () => {
    for (const cursor of ['nonsense', Buffer.from(JSON.stringify({ t: '2026-02-30T00:00:00.000000Z', id: randomUUID() })).toString('base64url'), 'x'.repeat(201)]) {
      const res = await list(w.tokens.provincial, `&cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.errors.map((e) => e.path), cursor).toEqual(['query.cursor']);
    }
    expect((await list(w.tokens.provincial, '&limit=0')).status).toBe(400);
    const unknown = await list(w.tokens.provincial, '&city=330100');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.length).toBeGreaterThan(0);
  });

  it('refuses every role that may not read firms, and a visitor', async () => {
    for (const who of ['firm', 'expert', 'insurer', 'finance', 'admin'] as const) {
      const res = await list(w.tokens[who]);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body), who).not.toContain(w.firm.uscc);
    }
    expect((await list(undefined)).status).toBe(401);
  });
});

describe('the /firms page', () => {
  it("is in a reviewer's navigation and lists their city's firms, each linked to its profile", async () => {
    const b = await signedIn(w.people.municipal.email);
    expect((await b.get('/')).text).toContain('href="/firms"');
    const page = await b.get('/firms');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th scope="col">企业名称</th>');
    expect(page.text).toContain('<th scope="col" class="num">在办申请数</th>');
    expect(page.text).toContain('<label for="filter-q">搜索</label>');
    expect(page.text).toContain(`<a href="/firm/${w.firm.id}">${w.firm.name}</a>`);
    expect(page.text).toContain(`href="/firm/${gappy.id}"`);
    expect(page.text).toContain('不完整（缺 1 项）');
    expect(page.text).not.toContain(`href="/firm/${w.otherFirm.id}"`);
    // the profile the link opens
    expect((await b.get(`/firm/${w.firm.id}`)).status).toBe(200);
  });

  it('searches, keeps the text in the box, and pages with the search kept', async () => {
    const b = await signedIn(w.people.provincial.email);
    const found = await b.get(`/firms?q=${encodeURIComponent(`材料${tag}`)}`);
    expect(found.text).toContain(`value="材料${tag}"`);
    expect(found.text).toContain(`href="/firm/${gappy.id}"`);
    expect(found.text).not.toContain(`href="/firm/${w.firm.id}"`);
    expect((await b.get('/firms?q=nothing-like-this')).text).toContain('没有符合搜索条件的企业');
    const first = await b.get('/firms?limit=1');
    const next = /<a href="(\/firms\?[^"]*cursor=[^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const second = await b.get(next ?? '');
    expect(second.status).toBe(200);
    expect(second.text).toContain(`href="/firm/${w.otherFirm.id}"`);
    expect(second.text).toContain('rel="first"');
  });

  it('says what is wrong with a search that is too long', async () => {
    const b = await signedIn(w.people.provincial.email);
    const res = await b.get(`/firms?q=${encodeURIComponent('材'.repeat(51))}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('最多 50 个字符');
  });

  it('is neither in the navigation nor open to the roles that may not read firms, and sends a visitor to sign in', async () => {
    for (const who of ['firm', 'expert', 'insurer', 'finance', 'admin'] as const) {
      const b = await signedIn(w.people[who].email);
      expect((await b.get('/')).text, who).not.toContain('href="/firms"');
      expect((await b.get('/firms')).status, who).toBe(403);
    }
    const visitor = await new PageClient(t.url).get('/firms');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/firms')}`);
  });
});

describe("the case page's firm", () => {
  it('links the firm to its profile for its reviewers, and not for an insurer, who may not read it', async () => {
    const id = await w.submittedCase();
    const municipal = await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`);
    expect(municipal.text).toContain(`<dd><a href="/firm/${w.firm.id}">${w.firm.name}</a></dd>`);
    const insurer = await (await signedIn(w.people.insurer.email)).get(`/cases/${id}`);
    expect(insurer.status).toBe(200);
    expect(insurer.text).toContain(w.firm.name);
    expect(insurer.text).not.toContain(`href="/firm/${w.firm.id}"`);
  });
});

async function signedIn(email: string) {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
}
