import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enterpriseChanges, enterprises } from '../../db/schema';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// The firm's profile page (/firm): the firm reads and edits its registered details through the
// enterprise service; reviewers who may see the firm read it; the pre-submit check links there.
const { t, w } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

const form = (over: Record<string, string> = {}) => ({
  name: '页面测试新材料有限公司',
  address: '杭州市滨江区测试路 2 号',
  contactName: '钱工',
  contactPhone: '0571-87654321',
  contactEmail: 'qian@example.test',
  bankName: '中国建设银行杭州高新支行',
  bankAccount: '33050161000000000123',
  affiliations: '',
  ...over,
});

describe('the firm profile page', () => {
  it("is in the firm's navigation, shows what is missing, saves the bank through the service and lists the change", async () => {
    const { enterprise, user } = await w.makeFirm({ bankName: '', bankAccount: '' });
    const b = await signedIn(user.email);
    expect((await b.get('/')).text).toContain('href="/firm"');
    const own = await b.get('/firm');
    expect(own.status).toBe(303);
    expect(own.headers.get('location')).toBe(`/firm/${enterprise.id}`);
    const page = await b.get(`/firm/${enterprise.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(enterprise.uscc);
    expect(page.text).toContain('id="profile-gaps"');
    expect(page.text).toMatch(/<a href="#f-bankName"[^>]*>补偿收款开户银行<\/a>/);
    expect(page.text).toContain('尚无修改记录');
    const saved = await b.post(`/firm/${enterprise.id}`, { _csrf: PageClient.csrfOf(page.text), ...form({ name: enterprise.name, address: enterprise.address, contactName: enterprise.contactName, contactPhone: enterprise.contactPhone, contactEmail: enterprise.contactEmail, bankAccount: '３３０５ 0161 0000-0000 0123' }) });
    expect(saved.status).toBe(303);
    const after = await b.get(saved.headers.get('location') ?? '');
    expect(after.text).toContain('企业信息已保存');
    expect(after.text).toContain('企业信息已完整');
    expect(after.text).toContain('33050161000000000123');
    const [row] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, enterprise.id));
    expect(row).toMatchObject({ bankName: '中国建设银行杭州高新支行', bankAccount: '33050161000000000123' });
    const changes = await t.app.db.select().from(enterpriseChanges).where(eq(enterpriseChanges.enterpriseId, enterprise.id));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ changedBy: user.id, before: { bankName: '', bankAccount: '' }, after: { bankName: '中国建设银行杭州高新支行' } });
    expect(after.text).toContain('补偿收款开户银行：“” → “中国建设银行杭州高新支行”');
    // on a phone the history reads as cards (table.stack), each cell under its column's label
    const historyTable = /<section aria-labelledby="history">[\s\S]*?<\/section>/.exec(after.text)?.[0] ?? '';
    expect(historyTable).toMatch(/<table class="stack"/);
    expect(historyTable).toContain('data-label="修改内容" class="changes"');
    expect(historyTable).toContain('data-label="修改人"');
    // the API sees the same history
    const api = await t.api.get<{ items: unknown[] }>(`/enterprises/${enterprise.id}/changes`, await t.api.login(user.email));
    expect(api.body.items).toHaveLength(1);
  });

  it('saves only what the person changed: a change saved by someone else after the form was opened stays', async () => {
    const { enterprise, user } = await w.makeFirm();
    const b = await signedIn(user.email);
    const page = await b.get(`/firm/${enterprise.id}`);
    // the form as the browser would send it back: every field as shown, and what it showed
    const shown = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="(was\.\w+)" value="([^"]*)"\/?>/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(Object.keys(shown)).toHaveLength(8);
    const typed = Object.fromEntries(Object.entries(shown).map(([k, v]) => [k.slice('was.'.length), v]));
    // meanwhile a colleague changes the phone through the API
    const patched = await t.api.patch(`/enterprises/${enterprise.id}`, { contactPhone: '0571-11112222' }, await t.api.login(user.email));
    expect(patched.status).toBe(200);
    const saved = await b.post(`/firm/${enterprise.id}`, { _csrf: PageClient.csrfOf(page.text), ...shown, ...typed, bankName: '中国农业银行杭州城西支行' });
    expect(saved.status).toBe(303);
    const [row] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, enterprise.id));
    expect(row).toMatchObject({ contactPhone: '0571-11112222', bankName: '中国农业银行杭州城西支行' });
    const changes = await t.app.db.select().from(enterpriseChanges).where(eq(enterpriseChanges.enterpriseId, enterprise.id));
    expect(changes.map((c) => Object.keys(c.after)).sort()).toEqual([['bankName'], ['contactPhone']]);
  });

  it('names bad values beside their fields, in the page language, keeps what was typed, and saves nothing', async () => {
    const { enterprise, user } = await w.makeFirm();
    const b = await signedIn(user.email);
    const csrf = PageClient.csrfOf((await b.get(`/firm/${enterprise.id}`)).text);
    const bad = await b.post(`/firm/${enterprise.id}`, { _csrf: csrf, ...form({ bankAccount: '6222 000A', name: '  ', contactEmail: 'keep-me@example.test' }) });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<input[^>]*id="f-bankAccount"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('id="f-bankAccount-error"');
    expect(bad.text).toMatch(/id="f-name-error"[^>]*>\s*<span>请填写企业名称<\/span>/);
    expect(bad.text).toContain('value="keep-me@example.test"');
    expect(bad.text).toContain('value="6222 000A"');
    // an affiliation that is the firm itself is the service's refusal (422), beside the list
    const self = await b.post(`/firm/${enterprise.id}`, { _csrf: csrf, ...form({ affiliations: enterprise.uscc }) });
    expect(self.status).toBe(422);
    expect(self.text).toContain('id="f-affiliations-error"');
    const [row] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, enterprise.id));
    expect(row?.bankAccount).toBe(enterprise.bankAccount);
    expect(row?.contactEmail).toBe(enterprise.contactEmail);
    expect(await t.app.db.select().from(enterpriseChanges).where(eq(enterpriseChanges.enterpriseId, enterprise.id))).toHaveLength(0);
  });

  it('says a form sent back unchanged saved nothing, and records no change', async () => {
    const { enterprise, user } = await w.makeFirm();
    const b = await signedIn(user.email);
    const page = await b.get(`/firm/${enterprise.id}`);
    const sent = await b.post(`/firm/${enterprise.id}`, {
      _csrf: PageClient.csrfOf(page.text),
      ...form({ name: enterprise.name, address: enterprise.address, contactName: enterprise.contactName, contactPhone: enterprise.contactPhone, contactEmail: enterprise.contactEmail, bankName: enterprise.bankName, bankAccount: enterprise.bankAccount }),
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/firm/${enterprise.id}?saved=0`);
    const after = await b.get(sent.headers.get('location') ?? '');
    expect(after.text).toContain('没有修改任何信息。');
    expect(after.text).not.toContain('企业信息已保存');
    expect(await t.app.db.select().from(enterpriseChanges).where(eq(enterpriseChanges.enterpriseId, enterprise.id))).toHaveLength(0);
  });

  it("answers 404 for another firm's page and its form, and 403 to a form without its token", async () => {
    const b = await signedIn(w.people.firm.email);
    expect((await b.get(`/firm/${w.otherFirm.id}`)).status).toBe(404);
    const csrf = PageClient.csrfOf((await b.get(`/firm/${w.firm.id}`)).text);
    expect((await b.post(`/firm/${w.otherFirm.id}`, { _csrf: csrf, ...form() })).status).toBe(404);
    expect((await b.post(`/firm/${w.firm.id}`, form())).status).toBe(403);
    const [other] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, w.otherFirm.id));
    expect(other?.name).toBe(w.otherFirm.name);
  });

  it("lets the city's and the province's reviewers read it without a form, refuses their edit (403), and is 404 to the others", async () => {
    for (const who of [w.people.municipal, w.people.provincial]) {
      const b = await signedIn(who.email);
      const page = await b.get(`/firm/${w.firm.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(w.firm.bankAccount);
      expect(page.text).not.toContain(`action="/firm/${w.firm.id}"`);
      expect((await b.post(`/firm/${w.firm.id}`, { _csrf: PageClient.csrfOf(page.text), ...form() })).status).toBe(403);
      expect((await b.get('/')).text).not.toContain('href="/firm"');
    }
    for (const who of [w.people.otherMunicipal, w.people.expert, w.people.insurer, w.people.finance, w.people.admin]) {
      expect((await (await signedIn(who.email)).get(`/firm/${w.firm.id}`)).status).toBe(404);
    }
    expect((await (await signedIn(w.people.municipal.email)).get('/firm')).status).toBe(403);
    // a reader is told what is missing, with no link to a form field the page does not have
    const gappy = await w.makeFirm({ bankName: '' });
    const read = await (await signedIn(w.people.municipal.email)).get(`/firm/${gappy.enterprise.id}`);
    expect(read.status).toBe(200);
    expect(read.text).toMatch(/<li><span>补偿收款开户银行<\/span><\/li>/);
    expect(read.text).not.toContain('href="#f-bankName"');
    const [row] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, w.firm.id));
    expect(row?.name).toBe(w.firm.name);
  });

  it('is where the pre-submit check sends a firm whose bank is missing', async () => {
    await t.app.db.update(enterprises).set({ bankName: '' }).where(eq(enterprises.id, w.firm.id));
    try {
      const id = await w.createCase();
      const page = await (await signedIn(w.people.firm.email)).get(`/cases/${id}`);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<a href="\/firm#f-bankName"[^>]*>企业信息不完整：缺少补偿收款开户银行，请在企业信息页补充<\/a>/);
    } finally {
      await t.app.db.update(enterprises).set({ bankName: w.firm.bankName }).where(eq(enterprises.id, w.firm.id));
    }
  });
});
