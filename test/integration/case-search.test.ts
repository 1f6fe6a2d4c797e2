import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../db/schema';
import { makeEnterprise } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// The case list's search (GET /cases?q=, the /cases page's box) and its firm column: by a part of
// the case number or of the firm's name, within the cases the caller may see.
const { t, w } = useTestApp({ ownDatabase: true });

interface Item {
  id: string;
  number: string;
  firmName: string;
  state: string;
}
interface List {
  items: Item[];
  nextCursor: string | null;
}
interface Problem {
  errors: { path: string; message: string }[];
}

const tag = randomUUID().slice(0, 6);
// a name with LIKE's wildcards in it: a search for "100%_" means that text, not a pattern
const odd = `百分百%_材料${tag}有限公司`;
let ownCase: { id: string; number: string };
let oddCase: { id: string; number: string };
let oddFirm: Awaited<ReturnType<typeof makeEnterprise>>;

beforeAll(async () => {
  const id = await w.submittedCase();
  ownCase = { id, number: (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number };
  // a case of another firm of the same city: submitted by the world's firm, then handed to it
  oddFirm = await makeEnterprise(t.app.db, { city: '330100', name: odd });
  const other = await w.submittedCase();
  await t.app.db
    .update(cases)
    .set({ enterpriseId: oddFirm.id, material: sql`${cases.material} || ${JSON.stringify({ name: `氮化镓${tag}外延片` })}::jsonb`, policy: sql`${cases.policy} || ${JSON.stringify({ number: `PDAA-2026-${tag}-77` })}::jsonb` })
    .where(eq(cases.id, other));
  oddCase = { id: other, number: (await t.api.get<{ number: string }>(`/cases/${other}`, w.tokens.provincial)).body.number };
});

const search = (q: string, token: string, more = '') => t.api.get<List & Problem>(`/cases?q=${encodeURIComponent(q)}&limit=100${more}`, token);
const ids = (l: List) => l.items.map((i) => i.id);

describe('GET /cases?q=', () => {
  it("finds a case by a part of its number and by a part of its firm's name, and names the firm", async () => {
    const byNumber = await search(ownCase.number.slice(-6).toLowerCase(), w.tokens.provincial);
    expect(byNumber.status).toBe(200);
    expect(ids(byNumber.body)).toContain(ownCase.id);
    expect(byNumber.body.items.find((i) => i.id === ownCase.id)?.firmName).toBe(w.firm.name);
    const byName = await search(`材料${tag}`, w.tokens.provincial);
    expect(ids(byName.body)).toEqual([oddCase.id]);
    expect(byName.body.items[0]?.firmName).toBe(odd);
  });

  it("finds a case by a part of its material's name, for the reviewer and for its own firm only", async () => {
    expect(ids((await search(`镓${tag}外延`, w.tokens.provincial)).body)).toEqual([oddCase.id]);
    expect(ids((await search(`镓${tag}外延`, w.tokens.firm)).body)).toEqual([]);
    const own = (await t.api.get<{ material: { name: string } }>(`/cases/${ownCase.id}`, w.tokens.firm)).body.material.name;
    expect(own.length).toBeGreaterThan(2);
    expect(ids((await search(own, w.tokens.firm)).body)).toContain(ownCase.id);
  });

  it("finds for staff a case by a part of its firm's USCC, in any case, and by its policy number however dashed, spaced or wide", async () => {
    for (const q of [oddFirm.uscc.slice(2, 12), oddFirm.uscc.slice(2, 12).toLowerCase()]) expect(ids((await search(q, w.tokens.provincial)).body), q).toEqual([oddCase.id]);
    for (const q of [`2026-${tag}-77`, `2026${tag}77`, `２０２６ ${tag.toUpperCase()} ７７`, `pdaa－2026`]) {
      expect(ids((await search(q, w.tokens.municipal)).body), q).toContain(oddCase.id);
    }
    expect(ids((await search(`2026-${tag}-78`, w.tokens.provincial)).body)).toEqual([]);
    // another firm's USCC and policy stay out of a firm's reach
    expect(ids((await search(oddFirm.uscc, w.tokens.firm)).body)).toEqual([]);
    expect(ids((await search(`2026-${tag}-77`, w.tokens.firm)).body)).toEqual([]);
  });

  it('reads full-width letters and digits as their plain forms, and requires every word, in any column', async () => {
    const wide = (s: string) => [...s].map((ch) => (/[0-9A-Za-z]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join('');
    expect(ids((await search(wide(ownCase.number.slice(-6)), w.tokens.provincial)).body)).toContain(ownCase.id);
    // a word of the material and a word of the firm's name: both of the one case
    expect(ids((await search(`镓${tag}\u3000百分百`, w.tokens.provincial)).body)).toEqual([oddCase.id]);
    expect(ids((await search(`镓${tag} 没有这个词`, w.tokens.provincial)).body)).toEqual([]);
  });

  it('matches % and _ as the text they are, not as wildcards', async () => {
    expect(ids((await search('百分百%_', w.tokens.provincial)).body)).toEqual([oddCase.id]);
    expect(ids((await search('%', w.tokens.provincial)).body)).toEqual([oddCase.id]);
    expect(ids((await search('百_百', w.tokens.provincial)).body)).toEqual([]);
  });

  it('keeps the other filters and pages through the matches one by one', async () => {
    const all = (await search(tag, w.tokens.provincial)).body;
    expect(ids(all)).toEqual([oddCase.id]);
    expect(ids((await search(tag, w.tokens.provincial, '&state=draft')).body)).toEqual([]);
    // both cases share the world's round: the numbers' common prefix, one page at a time
    const prefix = ownCase.number.slice(0, 6);
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res: { status: number; body: List } = await t.api.get(`/cases?q=${prefix}&limit=1&sort=number${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.provincial);
      expect(res.status).toBe(200);
      paged.push(...ids(res.body));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(paged).toEqual(ids((await search(prefix, w.tokens.provincial, '&sort=number')).body));
    expect(paged).toEqual(expect.arrayContaining([ownCase.id, oddCase.id]));
  });

  it('refuses a search of more than 50 characters with the reason, and takes 50', async () => {
    const long = await search('材'.repeat(51), w.tokens.provincial);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ path: 'query.q', message: 'at most 50 characters' })]);
    expect((await search('材'.repeat(50), w.tokens.provincial)).status).toBe(200);
  });

  it("finds nothing of another firm for a firm, by its name or its number", async () => {
    expect(ids((await search(tag, w.tokens.firm)).body)).toEqual([]);
    expect(ids((await search(oddCase.number, w.tokens.firm)).body)).toEqual([]);
    expect(ids((await search(ownCase.number, w.tokens.otherFirm)).body)).toEqual([]);
    expect(ids((await search(w.firm.name, w.tokens.otherFirm)).body)).toEqual([]);
    expect(ids((await search(ownCase.number, w.tokens.firm)).body)).toEqual([ownCase.id]);
  });

  it("finds nothing outside the reviewer's city, and nothing for an expert or finance who see none of it", async () => {
    expect(ids((await search(tag, w.tokens.otherMunicipal)).body)).toEqual([]);
    expect(ids((await search(tag, w.tokens.municipal)).body)).toEqual([oddCase.id]);
    for (const who of ['expert', 'finance'] as const) expect(ids((await search(tag, w.tokens[who])).body), who).toEqual([]);
  });

  it('refuses a search without a session', async () => {
    expect((await t.api.get(`/cases?q=${tag}`)).status).toBe(401);
  });
});

describe('the /cases page', () => {
  const signedIn = async (email: string) => {
    const b = new PageClient(t.url);
    await b.signIn(email);
    return b;
  };

  it("shows reviewers the firm's column and a search box that keeps its text", async () => {
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases?q=${encodeURIComponent(`材料${tag}`)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th scope="col">申报企业</th>');
    expect(page.text).toContain(`<label for="filter-q">搜索</label>`);
    expect(page.text).toContain(`value="材料${tag}"`);
    expect(page.text).toContain(`<td data-label="申报企业">${odd}</td>`);
    expect(page.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(page.text).not.toContain(`href="/cases/${ownCase.id}"`);
  });

  it('tells a firm and a reviewer, in both languages, what the search box looks in', async () => {
    const firm = await signedIn(w.people.firm.email);
    expect((await firm.get('/cases')).text).toContain('placeholder="申请编号或材料名称的一部分"');
    firm.cookies.set('fb_lang', 'en');
    expect((await firm.get('/cases')).text).toContain('placeholder="part of the case number or of the material name"');
    const reviewer = await signedIn(w.people.municipal.email);
    expect((await reviewer.get('/cases')).text).toContain('placeholder="申请编号、材料名称、企业名称、统一社会信用代码或保单号的一部分"');
    reviewer.cookies.set('fb_lang', 'en');
    expect((await reviewer.get('/cases')).text).toContain("placeholder=\"part of the case number, material name, firm's name, unified social credit code or policy number\"");
  });

  it("gives a firm no firm column, and its search shows no other firm's case", async () => {
    const page = await (await signedIn(w.people.firm.email)).get(`/cases?q=${tag}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<th scope="col">申报企业</th>');
    expect(page.text).not.toContain(odd);
    expect(page.text).not.toContain(oddCase.number);
    expect(page.text).toContain('没有符合筛选条件的申请。');
  });

  it('says beside the search box why an over-long search is refused, with the list and the text typed, and a 400', async () => {
    const long = 'x'.repeat(51);
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases?q=${long}&sort=number`);
    expect(page.status).toBe(400);
    expect(page.text).not.toContain('<p class="lead">');
    expect(page.text).toContain('<p class="error" id="filter-q-error"><span>最多 50 个字符</span></p>');
    expect(page.text).toContain(`value="${long}"`);
    expect(page.text).toContain('aria-describedby="filter-q-error"');
    // the list without the refused search, in the order asked for
    expect(page.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(page.text).toContain('<input type="hidden" name="sort" value="number"');
  });

  it('says beside the search box that a search given twice is one too many, rather than picking one', async () => {
    const browser = await signedIn(w.people.provincial.email);
    const page = await browser.get(`/cases?q=${encodeURIComponent(`材料${tag}`)}&q=${encodeURIComponent(ownCase.number)}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('<p class="error" id="filter-q-error"><span>此项只能填写一个值：地址中重复给出了该项</span></p>');
    expect(page.text).toContain(`value="材料${tag}"`);
    // neither search was applied: both cases are listed
    expect(page.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(page.text).toContain(`href="/cases/${ownCase.id}"`);
    browser.cookies.set('fb_lang', 'en');
    const english = await browser.get(`/cases?q=a&q=b`);
    expect(english.status).toBe(400);
    expect(english.text).toContain('give one value only: the address names this field more than once');
  });

  it('says an unknown state beside its picker, and still lists the cases the search finds', async () => {
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases?state=colour&q=${encodeURIComponent(`材料${tag}`)}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('id="filter-state-error"');
    expect(page.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(page.text).not.toContain(`href="/cases/${ownCase.id}"`);
  });

  it('filters by round and by city, keeping the choice shown, for a reviewer who sees every city', async () => {
    const browser = await signedIn(w.people.provincial.email);
    const hangzhou = await browser.get(`/cases?city=330100&roundId=${w.round.id}`);
    expect(hangzhou.status).toBe(200);
    expect(hangzhou.text).toContain('<label for="filter-roundId">申报批次</label>');
    expect(hangzhou.text).toContain(`<option value="${w.round.id}" selected>${w.round.name}</option>`);
    expect(hangzhou.text).toContain('<label for="filter-city">城市</label>');
    expect(hangzhou.text).toContain('<option value="330100" selected>杭州市</option>');
    expect(hangzhou.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(hangzhou.text).toContain(`href="/cases/${ownCase.id}"`);
    for (const query of ['city=330200', `roundId=${randomUUID()}`]) {
      const none = await browser.get(`/cases?${query}`);
      expect(none.status, query).toBe(200);
      expect(none.text, query).not.toContain(`href="/cases/${ownCase.id}"`);
      expect(none.text, query).toContain('没有符合筛选条件的申请。');
    }
    browser.cookies.set('fb_lang', 'en');
    const english = await browser.get('/cases?city=330200');
    expect(english.text).toContain('<label for="filter-city">City</label>');
    expect(english.text).toContain('<option value="330200" selected>Ningbo</option>');
    expect(english.text).toContain('<option value="" selected>Any round</option>');
  });

  it('says beside the round and city pickers why a value is refused, with a 400 and the list without it', async () => {
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases?city=hangzhou&roundId=r1&q=${encodeURIComponent(`材料${tag}`)}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('<p class="error" id="filter-city-error"><span>应为 GB/T 2260 城市代码，例如 330100</span></p>');
    expect(page.text).toContain('<p class="error" id="filter-roundId-error"><span>编号无效</span></p>');
    expect(page.text).toContain('aria-describedby="filter-roundId-error"');
    expect(page.text).toContain(`href="/cases/${oddCase.id}"`);
    expect(page.text).not.toContain(`href="/cases/${ownCase.id}"`);
  });

  it('offers the round but no city picker to a firm and a municipal reviewer, who see one city', async () => {
    for (const email of [w.people.firm.email, w.people.municipal.email]) {
      const page = await (await signedIn(email)).get('/cases');
      expect(page.status, email).toBe(200);
      expect(page.text, email).toContain('id="filter-roundId"');
      expect(page.text, email).not.toContain('id="filter-city"');
    }
  });

  it('still answers the error page for a field the list does not know', async () => {
    const page = await (await signedIn(w.people.provincial.email)).get('/cases?colour=red');
    expect(page.status).toBe(400);
    expect(page.text).toContain('<p class="lead">');
  });

  it('refuses the search given twice to the API too, and the page to a person not signed in', async () => {
    const api = await t.api.get<Problem>(`/cases?q=a&q=b`, w.tokens.provincial);
    expect(api.status).toBe(400);
    expect(api.body.errors[0]?.path).toBe('query.q');
    const anonymous = await new PageClient(t.url).get('/cases?q=a&q=b');
    expect([302, 303]).toContain(anonymous.status);
  });
});
