import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEdition } from '../../seeds/factories';
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

  it('answers the 404 page for an edition that does not exist', async () => {
    const res = await get('/catalogue?edition=00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.text).toContain('页面不存在');
  });
});
