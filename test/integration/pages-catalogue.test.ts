import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettableClock } from '../../server/clock';
import { factoryDates, makeEdition } from '../../seeds/factories';
import { startTestApp, type TestApp } from '../support/app';
import { PageClient } from '../support/pages';

let t: TestApp;
let edition: string;
beforeAll(async () => {
  t = await startTestApp();
  const made = await makeEdition(t.app.db, [
    { name: '超纯氨', requirements: '纯度≥99.99999%', applicationField: '集成电路' },
    { name: '<script>alert(1)</script>碳纤维', requirements: '拉伸强度≥4900 MPa', applicationField: '航空航天' },
  ]);
  edition = made.edition.id;
});
afterAll(async () => t.close());

const get = (path: string) => new PageClient(t.url).get(path);

describe('public catalogue page', () => {
  it('needs no sign-in and finds an entry by a word of its requirements', async () => {
    const res = await get(`/catalogue?edition=${edition}&q=${encodeURIComponent('99.99999')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<td data-label="材料名称">超纯氨</td>');
    expect(res.text).not.toContain('碳纤维');
  });

  it('finds an entry by two words and by full-width letters and digits, as typed with a Chinese input method', async () => {
    for (const q of ['超纯　99.99999', '氨 ９９．９９９９９']) {
      const res = await get(`/catalogue?edition=${edition}&q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.text, q).toContain('<td data-label="材料名称">超纯氨</td>');
      expect(res.text, q).not.toContain('碳纤维');
    }
  });

  it('escapes what the catalogue holds', async () => {
    const res = await get(`/catalogue?edition=${edition}`);
    expect(res.text).toContain('&lt;script>alert(1)&lt;/script>碳纤维');
    expect(res.text).not.toContain('<script>alert(1)');
  });

  it('says what to do next when nothing matches', async () => {
    const res = await get(`/catalogue?edition=${edition}&q=${encodeURIComponent('不存在的材料')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('没有符合条件的条目');
  });

  it("puts the API's reason next to the keyword field when it is too long", async () => {
    const res = await get(`/catalogue?edition=${edition}&q=${'长'.repeat(101)}`);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-q-error"><span>[^<]+<\/span>/);
  });

  it('ignores the parameters a shared link carries (WeChat, utm_, a page number) and lists the catalogue', async () => {
    for (const extra of ['from=singlemessage&isappinstalled=0', 'utm_source=newsletter&utm_medium=email', 'page=2']) {
      const res = await get(`/catalogue?edition=${edition}&${extra}`);
      expect(res.status, extra).toBe(200);
      expect(res.text, extra).toContain('<td data-label="材料名称">超纯氨</td>');
      expect(res.text, extra).not.toContain('尚未发布任何目录版本');
      expect(res.text, extra).not.toContain('不认识的字段');
    }
  });

  it('keeps the API strict about parameters it does not know', async () => {
    const res = await t.api.get(`/catalogue/entries?edition=${edition}&from=singlemessage`);
    expect(res.status).toBe(400);
  });

  it('keeps a keyword it did not search by out of the link to the next page', async () => {
    const long = '长'.repeat(101);
    const res = await get(`/catalogue?edition=${edition}&limit=1&q=${encodeURIComponent(long)}`);
    expect(res.status).toBe(400);
    const next = /<a href="([^"]*)" rel="next"/.exec(res.text)?.[1] ?? '';
    expect(next).toContain('cursor=');
    expect(next).toContain('limit=1');
    expect(next).not.toContain('q=');
  });

  it('lists the catalogue under a keyword that is too long, the problem beside the search box and the keyword kept', async () => {
    const long = '长'.repeat(101);
    const res = await get(`/catalogue?edition=${edition}&q=${encodeURIComponent(long)}`);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-q-error"><span>[^<]*100[^<]*<\/span>/);
    expect(res.text).toContain(`value="${long}"`);
    expect(res.text).toContain('<td data-label="材料名称">超纯氨</td>');
    expect(res.text).not.toContain('尚未发布任何目录版本');
  });

  it('lists the catalogue from its start under a cursor from a mangled link, saying so, and drops a NUL from the keyword', async () => {
    for (const cursor of ['zzz', '%ff']) {
      const res = await get(`/catalogue?edition=${edition}&cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect(res.text, cursor).toContain('分页游标无效');
      expect(res.text, cursor).toContain('<td data-label="材料名称">超纯氨</td>');
    }
    const nul = await get(`/catalogue?edition=${edition}&q=%0099.99999`);
    expect(nul.status).toBe(200);
    expect(nul.text).toContain('<td data-label="材料名称">超纯氨</td>');
    expect(nul.text).not.toContain('碳纤维');
  });

  it('answers the 404 page for an edition that does not exist', async () => {
    const res = await get('/catalogue?edition=00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.text).toContain('页面不存在');
  });
});

describe('the catalogue page counts, filters by category and pages both ways', () => {
  let five: string;
  let draft: string;
  beforeAll(async () => {
    const entry = (name: string, majorCategory: string, topCategory = '关键战略材料') => ({ name, majorCategory, topCategory, applicationField: '测试领域' });
    five = (
      await makeEdition(t.app.db, [entry('甲材料', '半导体材料'), entry('乙材料', '半导体材料'), entry('丙材料', '高性能纤维'), entry('丁材料', '半导体材料'), entry('戊材料', '稀土功能材料', '前沿新材料')])
    ).edition.id;
    draft = (await makeEdition(t.app.db, [entry('草稿材料', '半导体材料')], { status: 'draft' })).edition.id;
  });
  const names = (html: string) => [...html.matchAll(/<td data-label="材料名称">([^<]+)<\/td>/g)].map((m) => m[1]);
  const link = (html: string, rel: string) => [...html.matchAll(/<a href="([^"]+)" rel="(\w+)">/g)].find((m) => m[2] === rel)?.[1]?.replaceAll('&amp;', '&');

  it('says how many entries match in all, on every page', async () => {
    const first = await get(`/catalogue?edition=${five}&limit=2`);
    expect(first.text).toContain('共 5 条 · 本页 2 条');
    const filtered = await get(`/catalogue?edition=${five}&category=${encodeURIComponent('半导体材料')}&limit=2`);
    expect(filtered.text).toContain('共 3 条 · 本页 2 条');
    expect(names(filtered.text)).toEqual(['甲材料', '乙材料']);
  });

  it("offers the edition's categories, top ones with their major ones, keeping the one chosen", async () => {
    const page = await get(`/catalogue?edition=${five}&category=${encodeURIComponent('前沿新材料')}`);
    expect(page.text).toContain('<label for="f-category">类别</label>');
    const picker = page.text.slice(page.text.indexOf('id="f-category"'), page.text.indexOf('</select>', page.text.indexOf('id="f-category"')));
    const options = [...picker.matchAll(/<option value="([^"]*)"( selected)?>([^<]+)<\/option>/g)];
    expect(options.map((m) => m[3])).toEqual(['全部类别', '关键战略材料', '关键战略材料 / 半导体材料', '关键战略材料 / 高性能纤维', '前沿新材料', '前沿新材料 / 稀土功能材料']);
    expect(options.find((m) => m[2])?.[1]).toBe('前沿新材料');
    expect(names(page.text)).toEqual(['戊材料']);
  });

  it('goes forward and back again through the pages of a filtered search, with no way back from the first', async () => {
    const path = `/catalogue?edition=${five}&category=${encodeURIComponent('半导体材料')}&limit=1`;
    const first = await get(path);
    expect(link(first.text, 'prev')).toBeUndefined();
    const second = await get(link(first.text, 'next') ?? '');
    const third = await get(link(second.text, 'next') ?? '');
    expect([names(first.text), names(second.text), names(third.text)]).toEqual([['甲材料'], ['乙材料'], ['丁材料']]);
    expect(link(third.text, 'next')).toBeUndefined();
    expect(third.text).toContain('上一页');
    const back = await get(link(third.text, 'prev') ?? '');
    expect(names(back.text)).toEqual(['乙材料']);
    const start = await get(link(back.text, 'prev') ?? '');
    expect(link(back.text, 'prev')).not.toContain('cursor=');
    expect(link(back.text, 'prev')).toContain('category=');
    expect(names(start.text)).toEqual(['甲材料']);
  });

  it('answers a page link whose cursor names no edition with the 404 page, not with "no catalogue published"', async () => {
    const cursor = Buffer.from(JSON.stringify({ e: '00000000-0000-0000-0000-000000000000', s: 1 })).toString('base64url');
    const page = await new PageClient(t.url).get(`/catalogue?cursor=${cursor}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('尚未发布任何目录版本');
  });

  it('answers the count and the cursor back through the API', async () => {
    const first = await t.api.get<{ total: number; nextCursor: string; prevCursor: string | null }>(`/catalogue/entries?edition=${five}&limit=2`);
    expect(first.body).toMatchObject({ total: 5, prevCursor: null });
    const second = await t.api.get<{ total: number; nextCursor: string; prevCursor: string | null }>(`/catalogue/entries?edition=${five}&limit=2&cursor=${first.body.nextCursor}`);
    const third = await t.api.get<{ total: number; items: unknown[]; prevCursor: string | null }>(`/catalogue/entries?edition=${five}&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.total).toBe(5);
    expect(third.body.items).toHaveLength(1);
    expect(third.body.prevCursor).toBe(first.body.nextCursor);
  });

  it("refuses a category of more than 100 characters beside the field, and counts no draft's entries for the public", async () => {
    const long = await get(`/catalogue?edition=${five}&category=${'类'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.text).toMatch(/<div class="problems" role="alert"><ul><li>[^<]*100[^<]*<\/li>/);
    expect(long.text).toContain('id="f-category"');
    expect((await get(`/catalogue?edition=${draft}`)).status).toBe(404);
    expect((await t.api.get(`/catalogue/entries?edition=${draft}`)).status).toBe(404);
  });
});

// Which edition is current is global, so the picker is checked in a database of its own.
describe('the edition picker of the public catalogue', () => {
  let own: TestApp;
  let old: string;
  let next: string;
  let draft: string;
  // the labels name this year's and next year's editions, whatever the year the tests run in
  const y = factoryDates.year;
  const oldLabel = `${y} · 浙经信材料〔${y}〕31号`;
  const nextLabel = `${y + 1} · 浙经信材料〔${y + 1}〕9号`;
  beforeAll(async () => {
    own = await startTestApp({ ownDatabase: true });
    await (own.app.clock as SettableClock).set(new Date(`${y + 1}-03-01T10:00:00+08:00`));
    // this year's edition, superseded by next year's, published ahead of its effective date
    old = (await makeEdition(own.app.db, [{ name: '超纯氨' }], { year: y, docNumber: `浙经信材料〔${y}〕31号`, status: 'superseded', effectiveOn: `${y}-09-05`, publishedAt: new Date(`${y}-08-20T10:00:00+08:00`) })).edition.id;
    next = (await makeEdition(own.app.db, [{ name: '氮化镓单晶衬底' }], { year: y + 1, docNumber: `浙经信材料〔${y + 1}〕9号`, effectiveOn: `${y + 1}-09-05`, publishedAt: new Date(`${y + 1}-02-01T10:00:00+08:00`) })).edition.id;
    draft = (await makeEdition(own.app.db, [{ name: '草稿材料' }], { year: y + 2, docNumber: `浙经信材料〔${y + 2}〕草稿号`, status: 'draft' })).edition.id;
  });
  afterAll(async () => own.close());

  const options = (html: string) => [...html.slice(html.indexOf('id="f-edition"'), html.indexOf('</select>', html.indexOf('id="f-edition"'))).matchAll(/<option value="([^"]+)"( selected)?>([^<]*)<\/option>/g)].map((m) => ({ id: m[1], selected: m[2] !== undefined, label: m[3] }));

  it('lists the edition in force first and searches it by default, and the newer one with the date it takes effect', async () => {
    const res = await new PageClient(own.url).get('/catalogue');
    expect(res.status).toBe(200);
    expect(options(res.text)).toEqual([
      { id: old, selected: true, label: `${oldLabel}（现行；已被 ${nextLabel} 取代）` },
      { id: next, selected: false, label: `${nextLabel}（${y + 1}年9月5日起施行）` },
    ]);
    expect(res.text).toContain('<td data-label="材料名称">超纯氨</td>');
    expect(res.text).not.toContain('氮化镓单晶衬底');
  });

  it('keeps the superseded edition searchable, marked, once the new one is in force', async () => {
    await (own.app.clock as SettableClock).set(new Date(`${y + 1}-09-05T08:00:00+08:00`));
    const res = await new PageClient(own.url).get(`/catalogue?edition=${old}&q=${encodeURIComponent('氨')}`);
    expect(res.status).toBe(200);
    expect(options(res.text)).toEqual([
      { id: next, selected: false, label: `${nextLabel}（现行）` },
      { id: old, selected: true, label: `${oldLabel}（已被 ${nextLabel} 取代）` },
    ]);
    expect(res.text).toContain('<td data-label="材料名称">超纯氨</td>');
    const byDefault = await new PageClient(own.url).get('/catalogue');
    expect(byDefault.text).toContain('氮化镓单晶衬底');
    // an edition named in capitals is the same edition, searched and selected
    const upper = await new PageClient(own.url).get(`/catalogue?edition=${old.toUpperCase()}&q=${encodeURIComponent('氨')}`);
    expect(options(upper.text).find((o) => o.selected)?.id).toBe(old);
    expect(upper.text).toContain('<td data-label="材料名称">超纯氨</td>');
  });

  it('names the editions in English too', async () => {
    const b = new PageClient(own.url);
    b.cookies.set('fb_lang', 'en');
    const res = await b.get('/catalogue');
    expect(options(res.text).map((o) => o.label)).toEqual([`${nextLabel} (in force)`, `${oldLabel} (superseded by ${nextLabel})`]);
  });

  it('never offers a draft to the public, nor shows its entries', async () => {
    const res = await new PageClient(own.url).get('/catalogue');
    expect(options(res.text).map((o) => o.id)).not.toContain(draft);
    expect((await new PageClient(own.url).get(`/catalogue?edition=${draft}`)).status).toBe(404);
  });
});
