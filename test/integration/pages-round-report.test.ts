import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { makeWorld } from '../support/world';

// The round report page carries the by-city table of the summary workbook's 按城市 sheet: the same
// columns, in the same words, with the same figures as GET /reports/rounds/:id (byCity).
const { t } = useTestApp();

interface Report {
  byCity: { city: string; name: string; counts: Record<string, number>; money: Record<string, string> }[];
  totals: { counts: Record<string, number>; money: Record<string, string> };
}

const grouped = (yuan: string) => {
  const [whole = '', fen = ''] = yuan.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fen}`;
};

describe('the round report page', () => {
  it("shows the round's figures by city, with the workbook's columns and the JSON's figures, and their total", async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const batched = await own.caseIn('approved');
    await own.caseIn('approved');
    await own.submittedCase();
    expect((await t.api.post('/disbursements', { roundId: own.round.id, caseIds: [batched] }, own.tokens.finance)).status).toBe(201);
    const json = (await t.api.get<Report>(`/reports/rounds/${own.round.id}`, own.tokens.finance)).body;
    const browser = new PageClient(t.url);
    await browser.signIn(own.people.finance.email);
    const page = (await browser.get(`/money/rounds/${own.round.id}/report`)).text;
    const section = page.slice(page.indexOf('<h2 id="r-cities">按城市</h2>'), page.indexOf('</section>', page.indexOf('<h2 id="r-cities">')));
    expect(section.length).toBeGreaterThan(30);

    // the headers are the zh words of the 按城市 sheet's headers, in its order
    const res = await fetch(`${t.url}/api/v1/reports/rounds/${own.round.id}.xlsx`, { headers: { authorization: `Bearer ${own.tokens.finance}` } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('按城市 By city');
    const headers = ((sheet?.getRow(1).values ?? []) as unknown[]).filter((v): v is string => typeof v === 'string').map((h) => h.split(' ')[0]);
    expect(headers).toHaveLength(13);
    const pageHeaders = [...section.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(pageHeaders).toEqual(headers);

    // the city of the world's firm: the JSON's figures, cell for cell
    const hz = json.byCity.find((c) => c.city === '330100');
    expect(hz?.counts.approved).toBe(2);
    const row = section.slice(section.indexOf('<td data-label="城市代码">330100</td>'), section.indexOf('</tr>', section.indexOf('<td data-label="城市代码">330100</td>')));
    const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    const { counts, money } = hz ?? { counts: {}, money: {} };
    const expected = (c: Record<string, number>, m: Record<string, string>) =>
      [c.cases, c.submitted, m.requested, c.approved, m.approved, m.reduced, m.current, c.paid, m.paid, c.recovered, m.recovered].map((v) => (typeof v === 'string' ? grouped(v) : String(v)));
    expect(cells).toEqual(['330100', hz?.name, ...expected(counts, money)]);
    const total = section.slice(section.indexOf('<tr class="total">'));
    expect([...total.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]).slice(0, 13)).toEqual(['合计', '', ...expected(json.totals.counts, json.totals.money)]);

    // in English, the sheet's English words
    browser.cookies.set('fb_lang', 'en');
    const english = (await browser.get(`/money/rounds/${own.round.id}/report`)).text;
    expect(english).toContain('<h2 id="r-cities">By city</h2>');
    expect(english).toContain('>Premiums requested</th>');
    expect(english).toContain('<td data-label="City">Hangzhou</td>');
  });
});
