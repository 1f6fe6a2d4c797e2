import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { objections } from '../../db/schema';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// The public side of the notice in pages: no account, the API's services, schema and throttle.
const { t, w } = useTestApp();

async function published(): Promise<{ noticeId: string; caseId: string }> {
  const caseId = await w.caseIn('awaitingNotice');
  const res = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status}`);
  return { noticeId: res.body.id, caseId };
}

describe('the public notice pages', () => {
  it('list the notices and show one, with firm, material, entry and no personal data, to anyone', async () => {
    const { noticeId } = await published();
    const b = new PageClient(t.url);
    const list = await b.get('/notices');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/notices/${noticeId}"`);
    const page = await b.get(`/notices/${noticeId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('公示中');
    expect(page.text).toContain('低缺陷高平坦度大尺寸半导体硅晶圆');
    expect(page.text).toContain('<h2 id="objection">提出异议</h2>');
    // the last day counts whole, to midnight Beijing time
    expect(page.text).toMatch(/请于 \d{4}年\d{1,2}月\d{1,2}日（含当日，北京时间 24 时前）提出。/);
    for (const secret of [w.people.firm.email, w.firm.contactPhone, w.firm.bankAccount].filter((s): s is string => Boolean(s))) expect(page.text).not.toContain(secret);
  });

  it('takes an objection from the form without an account, and the case goes to objection', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    const res = await b.post(`/notices/${noticeId}/objections`, { _csrf: PageClient.csrfOf(page.text), caseId, name: '王五', contact: 'wang.wu@example.com', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(res.status).toBe(303);
    const after = await b.get(`/notices/${noticeId}?filed=1`);
    expect(after.text).toContain('异议已收到');
    expect(after.text).toContain('异议核查中');
    const rows = await t.app.db.select().from(objections).where(and(eq(objections.caseId, caseId), eq(objections.noticeId, noticeId)));
    expect(rows).toHaveLength(1);
    expect((await t.api.get<{ state: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.state).toBe('objection');
  });

  it('shows a too-short reason next to its field, keeping what was typed, and files nothing', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    const res = await b.post(`/notices/${noticeId}/objections`, { _csrf: PageClient.csrfOf(page.text), caseId, name: '王五', contact: '', reason: '太短' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="o-reason-error"/);
    expect(res.text).toContain('太短</textarea>');
    expect(await t.app.db.select().from(objections).where(eq(objections.caseId, caseId))).toHaveLength(0);
  });

  it('says a contact that is neither an email nor a phone is wrong, and that it may be left empty, in both languages', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    const form = { _csrf: PageClient.csrfOf(page.text), caseId, name: '王五', contact: 'abc', reason: '该材料并非首批次应用，已有多年销售记录。' };
    const res = await b.post(`/notices/${noticeId}/objections`, form);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="o-contact-error"[^>]*><span>联系方式须为电子邮箱或电话号码（可不填）<\/span>/);
    b.cookies.set('fb_lang', 'en');
    const english = await b.post(`/notices/${noticeId}/objections`, form);
    expect(english.text).toMatch(/id="o-contact-error"[^>]*><span>the contact, if you give one, must be an email address or a phone number<\/span>/);
    expect(await t.app.db.select().from(objections).where(eq(objections.caseId, caseId))).toHaveLength(0);
  });

  it('refuses a form without its CSRF token, and answers 404 for a notice that is not one', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    await b.get(`/notices/${noticeId}`);
    expect((await b.post(`/notices/${noticeId}/objections`, { caseId, name: '王五', reason: '该材料并非首批次应用，已有多年销售记录。' })).status).toBe(403);
    expect((await b.get('/notices/not-a-notice')).status).toBe(404);
    expect((await b.get(`/notices/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
