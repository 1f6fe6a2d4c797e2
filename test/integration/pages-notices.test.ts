import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { clocks, notices, objections } from '../../db/schema';
import { date } from '../../server/pages/format';
import { randomUUID } from 'node:crypto';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { shanghaiDate } from '../../server/calendar/dates';

// The public side of the notice in pages: no account, the API's services, schema and throttle.
const { t, w } = useTestApp({ env: { NOTICE_CONTACT: '0571-00000000（材料产业处）' } });

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

  it('says of a case an upheld objection rejected that it is not granted, where its proposed subsidy stood, to the public and the staff', async () => {
    const { noticeId, caseId } = await published();
    const filed = await t.api.post<{ id: string }>(`/public/notices/${noticeId}/objections`, { caseId, name: '王五', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(filed.status).toBe(201);
    expect((await t.api.post(`/cases/${caseId}/events`, { type: 'RESOLVE_OBJECTION', objectionId: filed.body.id, outcome: 'upheld', reason: '核实属实' }, w.tokens.provincial)).status).toBe(200);
    const api = await t.api.get<{ cases: { caseId: string; proposedSubsidy: string | null; notGranted: string | null }[] }>(`/public/notices/${noticeId}`);
    expect(api.body.cases.find((c) => c.caseId === caseId)).toMatchObject({ proposedSubsidy: null, notGranted: 'rejected' });
    expect((await new PageClient(t.url).get(`/notices/${noticeId}`)).text).toContain('不予补偿（异议经核查成立）');
    const staff = new PageClient(t.url);
    await staff.signIn(w.people.provincial.email);
    expect((await staff.get(`/review/notices/${noticeId}`)).text).toContain('不予补偿（异议经核查成立）');
    // a case still proposed says nothing of the kind
    const other = await published();
    const page = (await new PageClient(t.url).get(`/notices/${other.noticeId}`)).text;
    expect(page).not.toContain('不予补偿');
    expect((await t.api.get<{ cases: { notGranted: string | null }[] }>(`/public/notices/${other.noticeId}`)).body.cases.map((c) => c.notGranted)).toEqual([null]);
  });

  it('says of a case the firm withdrew under objection that it is not granted, to the public', async () => {
    const { noticeId, caseId } = await published();
    expect((await t.api.post(`/public/notices/${noticeId}/objections`, { caseId, name: '王五', reason: '该材料并非首批次应用，已有多年销售记录。' })).status).toBe(201);
    const withdrawn = await t.api.post<{ state: string }>(`/cases/${caseId}/events`, { type: 'WITHDRAW', reason: '企业决定撤回申请' }, w.tokens.firm);
    expect(withdrawn.body.state).toBe('withdrawn');
    const api = await t.api.get<{ cases: { caseId: string; proposedSubsidy: string | null; notGranted: string | null }[] }>(`/public/notices/${noticeId}`);
    expect(api.body.cases.find((c) => c.caseId === caseId)).toMatchObject({ proposedSubsidy: null, notGranted: 'withdrawn' });
    expect((await new PageClient(t.url).get(`/notices/${noticeId}`)).text).toContain('不予补偿（企业已撤回申请）');
  });

  it('takes an objection from the form without an account, and the case goes to objection', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    const res = await b.post(`/notices/${noticeId}/objections`, { _csrf: PageClient.csrfOf(page.text), caseId, name: '王五', contact: 'wang.wu@example.com', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(res.status).toBe(303);
    const rows = await t.app.db.select().from(objections).where(and(eq(objections.caseId, caseId), eq(objections.noticeId, noticeId)));
    expect(rows).toHaveLength(1);
    const objectionId = rows[0]?.id ?? '';
    expect(res.headers.get('location')).toMatch(new RegExp(`^/notices/${noticeId}\\?objection=${objectionId}&key=[A-Za-z0-9_-]{43}$`));
    const after = await b.get(res.headers.get('location') ?? '');
    // the receipt is the objector's browser's: the objection's id is no secret (a case's history names
    // it), and neither another browser with the whole link nor this one without its key is shown it
    expect((await new PageClient(t.url).get(res.headers.get('location') ?? '')).text).not.toContain('受理编号');
    expect((await b.get(`/notices/${noticeId}?objection=${objectionId}`)).text).not.toContain('受理编号');
    const [notice] = await t.app.db.select({ number: notices.number }).from(notices).where(eq(notices.id, noticeId));
    const reference = `${notice?.number ?? ''}-${objectionId.slice(0, 8).toUpperCase()}`;
    expect(after.text).toContain(`<p>异议已收到，受理编号 ${reference}。如需查询，请提供此编号。</p>`);
    // the case's objection clock: 10 working days (SPEC §4), its last day named
    const [clock] = await t.app.db.select({ dueOn: clocks.dueOn }).from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'objection'), eq(clocks.status, 'running')));
    expect(after.text).toContain(`省经信厅将在 10 个工作日内（${date(clock?.dueOn, 'zh')}前）核查处理`);
    expect(after.text).toContain('异议核查中');
    // the API's receipt says the same
    const api = await t.api.post<{ reference: string; resolveBy: string }>(`/public/notices/${noticeId}/objections`, { caseId, name: '赵六', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(api.status).toBe(201);
    expect(api.body.reference).toMatch(new RegExp(`^${notice?.number ?? ''}-[0-9A-F]{8}$`));
    expect(api.body.resolveBy).toBe(clock?.dueOn);
    expect((await t.api.get<{ state: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.state).toBe('objection');
  });

  it('names the issuing department, the publication date, the objection period and the contact, with a way back to the list', async () => {
    const { noticeId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    expect(page.text).toContain('<a href="/notices">返回公示列表</a>');
    expect(page.text).toContain('<dt>发布机关</dt><dd>浙江省经济和信息化厅</dd>');
    expect(page.text).toContain(`<dt>发布日期</dt><dd>${date(shanghaiDate(t.app.clock.now()), 'zh')}</dd>`);
    expect(page.text).toMatch(/<dt>公示期（异议受理期）<\/dt><dd>\d{4}年\d{1,2}月\d{1,2}日 – \d{4}年\d{1,2}月\d{1,2}日<\/dd>/);
    expect(page.text).toContain('<dt>联系方式</dt><dd>0571-00000000（材料产业处）</dd>');
    b.cookies.set('fb_lang', 'en');
    const en = await b.get(`/notices/${noticeId}`);
    expect(en.text).toContain('<dt>Issued by</dt><dd>Department of Economy and Information Technology of Zhejiang Province</dd>');
    expect(en.text).toContain('<a href="/notices">Back to the notices</a>');
  });

  it("shows no receipt for an objection id that is not one of this notice's, nor for a value that is not an id", async () => {
    const first = await published();
    const other = await published();
    const filed = await t.api.post<{ id: string; reference: string }>(`/public/notices/${first.noticeId}/objections`, { caseId: first.caseId, name: '赵六', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(filed.status).toBe(201);
    const b = new PageClient(t.url);
    const elsewhere = await b.get(`/notices/${other.noticeId}?objection=${filed.body.id}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.text).not.toContain('受理编号');
    expect(elsewhere.text).not.toContain(filed.body.reference);
    for (const value of ['1', randomUUID(), '<script>']) expect((await b.get(`/notices/${first.noticeId}?objection=${encodeURIComponent(value)}`)).text, value).not.toContain('受理编号');
    // the objector's name is never on the receipt
    expect((await b.get(`/notices/${first.noticeId}?objection=${filed.body.id}`)).text).not.toContain('赵六');
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

  it('chooses no application for the objector on a notice of several, and says so when none is chosen, keeping the form', async () => {
    const a = await w.caseIn('awaitingNotice');
    const c = await w.caseIn('awaitingNotice');
    const pub = await t.api.post<{ id: string }>('/notices', { caseIds: [a, c] }, w.tokens.provincial);
    expect(pub.status).toBe(201);
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${pub.body.id}`);
    const select = (html: string) => html.slice(html.indexOf('<select id="o-caseId"'), html.indexOf('</select>', html.indexOf('<select id="o-caseId"')));
    expect(select(page.text)).toMatch(/^<select id="o-caseId" name="caseId" required>/);
    expect(select(page.text)).toContain('<option value="" selected>请选择</option>');
    expect(select(page.text).match(/ selected>/g)).toHaveLength(1);
    const res = await b.post(`/notices/${pub.body.id}/objections`, { _csrf: PageClient.csrfOf(page.text), caseId: '', name: '王五', contact: '', reason: '该材料并非首批次应用，已有多年销售记录。' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<p class="error" id="o-caseId-error"><span>请选择您要提出异议的申请</span></p>');
    expect(res.text).toContain('value="王五"');
    expect(res.text).toContain('该材料并非首批次应用，已有多年销售记录。</textarea>');
    expect(await t.app.db.select().from(objections).where(eq(objections.noticeId, pub.body.id))).toHaveLength(0);
    // the one chosen is kept when another field is refused
    const short = await b.post(`/notices/${pub.body.id}/objections`, { _csrf: PageClient.csrfOf(page.text), caseId: c, name: '王五', contact: '', reason: '太短' });
    expect(select(short.text)).toContain(`<option value="${c}" selected>`);
    expect(select(short.text)).toContain('<option value="">请选择</option>');
  });

  it('keeps the one application of a notice of one chosen', async () => {
    const { noticeId, caseId } = await published();
    const page = await new PageClient(t.url).get(`/notices/${noticeId}`);
    expect(page.text).toContain(`<option value="${caseId}" selected>`);
    expect(page.text).not.toContain('请选择</option>');
  });

  it('switches language back to the notice after a refused objection, not to the sign-in page', async () => {
    const { noticeId, caseId } = await published();
    const b = new PageClient(t.url);
    const page = await b.get(`/notices/${noticeId}`);
    const res = await b.post(`/notices/${noticeId}/objections`, { _csrf: PageClient.csrfOf(page.text), _page: PageClient.hiddenOf(page.text, '_page'), caseId, name: '王五', contact: '', reason: '太短' });
    expect(res.status).toBe(400);
    const back = PageClient.hiddenOf(res.text, 'back');
    expect(back).toBe(`/notices/${noticeId}`);
    const lang = await b.post('/lang', { _csrf: PageClient.csrfOf(res.text), lang: 'en', back });
    expect(lang.headers.get('location')).toBe(`/notices/${noticeId}`);
    expect((await b.get(back)).text).toContain('<html lang="en">');
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
