import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, documents, enterpriseRegistrations, rounds, users } from '../../db/schema';
import { factoryDates, makeRound, randomUscc } from '../../seeds/factories';
import { makeUscc } from '../../server/domain/uscc';
import { hashLinkToken } from '../../server/auth/emailed-link';
import { pdfBytes } from '../fixtures/documents/files';
import { confirmationTokensFor } from '../support/registration';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// The firm's pages without a browser: what a refused person or a forged form is answered. The
// whole journey runs in a browser in test/e2e/firm.test.ts.
const { t, w } = useTestApp();

const signedIn = async (email: string, password?: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email, password);
  return b;
};
const tokenOf = async (b: PageClient, path = '/') => PageClient.csrfOf((await b.get(path)).text);

const PASSWORD = 'Silicon-wafer-2026';
const registration = (email: string, over: Record<string, string> = {}) => ({
  'enterprise.name': '页面注册新材料有限公司',
  'enterprise.uscc': randomUscc('330300'),
  'enterprise.city': '330300',
  'enterprise.address': '温州市鹿城区测试路 8 号',
  'enterprise.contactName': '赵工',
  'enterprise.contactPhone': '0577-88889999',
  'enterprise.contactEmail': 'zhao@firm.test',
  'enterprise.bankName': '',
  'enterprise.bankAccount': '',
  'enterprise.affiliations': '',
  'user.name': '赵经理',
  'user.email': email,
  'user.password': PASSWORD,
  // typed twice, as the page asks; a test of the confirmation gives its own
  'user.passwordConfirm': over['user.password'] ?? PASSWORD,
  ...over,
});

/** The application form's fields, filled as a person would (amounts with separators). */
const applicationForm = (over: Record<string, string> = {}) => ({
  roundId: w.round.id,
  catalogueEntryId: w.entry.id,
  'material.name': '',
  'material.specification': '300 mm, P型',
  'userUnit.name': '温州用户单位有限公司',
  'userUnit.uscc': randomUscc('330300'),
  'userUnit.notAffiliate': 'on',
  'contract.number': 'HT-PAGE-1',
  'contract.amount': '10,000,000.00',
  'policy.insurerId': w.insurer.id,
  'policy.number': `PICC-PAGE-${randomUUID().slice(0, 8)}`,
  'policy.premium': '1500000',
  'policy.startsOn': factoryDates.policyStartsOn,
  ...over,
});

const upload = (csrf: string | null, type = 'business_license', bytes = pdfBytes('licence')) => {
  const form = new FormData();
  if (csrf !== null) form.append('_csrf', csrf);
  form.append('type', type);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), '营业执照.pdf');
  return form;
};

const documentsOf = (caseId: string) => t.app.db.select().from(documents).where(eq(documents.caseId, caseId));

describe('the registration pages', () => {
  it('refuses a registration form without its token, and registers nothing', async () => {
    const email = `${randomUUID()}@firm.test`;
    const b = new PageClient(t.url);
    await b.get('/register');
    const res = await b.post('/register', registration(email));
    expect(res.status).toBe(403);
    expect(await t.app.db.select().from(enterpriseRegistrations).where(eq(enterpriseRegistrations.email, email))).toEqual([]);
  });

  it('names a weak password beside its field, in Chinese and in English, keeping what was typed but the password', async () => {
    const b = new PageClient(t.url);
    const csrf = await tokenOf(b, '/register');
    const zh = await b.post('/register', { _csrf: csrf, ...registration(`${randomUUID()}@firm.test`, { 'user.password': 'short' }) });
    expect(zh.status).toBe(422);
    // its several problems are a list, one to an item
    expect(zh.text).toMatch(/<ul class="error" id="f-user-password-error"><li>密码至少 10 位（当前 5 位）<\/li><li>密码须/);
    expect(zh.text).toContain('aria-describedby="f-user-password-hint f-user-password-error"');
    expect(zh.text).toContain('value="页面注册新材料有限公司"');
    expect(zh.text).not.toContain('value="short"');
    b.cookies.set('fb_lang', 'en');
    const en = await b.post('/register', { _csrf: csrf, ...registration(`${randomUUID()}@firm.test`, { 'user.password': 'short' }) });
    expect(en.text).toMatch(/<ul class="error" id="f-user-password-error"><li>use at least 10 characters/);
  });

  it('asks for a missing phone and the other required fields by what they are, in both languages', async () => {
    const b = new PageClient(t.url);
    const csrf = await tokenOf(b, '/register');
    const blank = { 'enterprise.contactPhone': '', 'enterprise.name': '', 'enterprise.address': ' ', 'enterprise.contactName': '', 'user.name': '' };
    const zh = await b.post('/register', { _csrf: csrf, ...registration(`${randomUUID()}@firm.test`, blank) });
    expect(zh.status).toBe(400);
    expect(zh.text).toMatch(/id="f-enterprise-contactPhone-error"[^>]*><span>请填写联系电话<\/span>/);
    expect(zh.text).toMatch(/id="f-enterprise-name-error"[^>]*><span>请填写企业名称<\/span>/);
    expect(zh.text).toMatch(/id="f-enterprise-address-error"[^>]*><span>请填写地址<\/span>/);
    expect(zh.text).toMatch(/id="f-enterprise-contactName-error"[^>]*><span>请填写联系人<\/span>/);
    expect(zh.text).toMatch(/id="f-user-name-error"[^>]*><span>请填写您的姓名<\/span>/);
    expect(zh.text).not.toContain('格式不正确');
    expect(zh.text).not.toContain('必填，且须有可见的文字');
    const badPhone = await b.post('/register', { _csrf: csrf, ...registration(`${randomUUID()}@firm.test`, { 'enterprise.contactPhone': 'abc' }) });
    expect(badPhone.text).toMatch(/id="f-enterprise-contactPhone-error"[^>]*><span>电话号码格式不正确，例如 13800000000 或 0571-87654321<\/span>/);
    b.cookies.set('fb_lang', 'en');
    const en = await b.post('/register', { _csrf: csrf, ...registration(`${randomUUID()}@firm.test`, blank) });
    expect(en.text).toMatch(/id="f-enterprise-contactPhone-error"[^>]*><span>required<\/span>/);
  });

  it('names the USCC check character and the weak password together with the empty fields, in one answer', async () => {
    const b = new PageClient(t.url);
    const csrf = await tokenOf(b, '/register');
    const good = randomUscc('330300');
    const wrong = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const form = registration(`${randomUUID()}@firm.test`, { 'enterprise.name': '', 'enterprise.contactPhone': '', 'enterprise.uscc': wrong, 'user.password': 'short' });
    const zh = await b.post('/register', { _csrf: csrf, ...form });
    expect(zh.status).toBe(400);
    expect(zh.text).toMatch(/id="f-enterprise-name-error"[^>]*><span>请填写企业名称<\/span>/);
    expect(zh.text).toMatch(/id="f-enterprise-uscc-error"[^>]*><span>[^<]*校验/);
    expect(zh.text).toMatch(/id="f-user-password-error"[^>]*><li>密码至少 10 位（当前 5 位）<\/li>/);
    b.cookies.set('fb_lang', 'en');
    const en = await b.post('/register', { _csrf: csrf, ...form });
    expect(en.text).toMatch(/id="f-enterprise-uscc-error"[^>]*><span>[^<]*check/);
    expect(en.text).toMatch(/id="f-user-password-error"[^>]*><li>use at least 10 characters/);
  });

  it('refuses two passwords that differ beside the confirmation, in Chinese and in English, and registers nothing', async () => {
    const email = `${randomUUID()}@firm.test`;
    const b = new PageClient(t.url);
    const form = await b.get('/register');
    expect(form.text).toMatch(/<label for="f-user-passwordConfirm"[^>]*>\s*确认密码/);
    expect(form.text).toMatch(/<input[^>]*id="f-user-passwordConfirm"[^>]*name="user.passwordConfirm"[^>]*type="password"/);
    const csrf = PageClient.csrfOf(form.text);
    const differ = await b.post('/register', { _csrf: csrf, ...registration(email, { 'user.passwordConfirm': `${PASSWORD}x` }) });
    expect(differ.status).toBe(400);
    expect(differ.text).toMatch(/id="f-user-passwordConfirm-error"[^>]*><span>两次输入的密码不一致<\/span>/);
    expect(differ.text).toMatch(/<input[^>]*id="f-user-passwordConfirm"[^>]*aria-invalid="true"/);
    expect(differ.text).not.toContain('f-user-password-error');
    expect(differ.text).not.toContain(`value="${PASSWORD}`);
    expect(differ.text).toContain('value="页面注册新材料有限公司"');
    // left blank, it asks for the password again; a weak one is named at the same time
    const blank = await b.post('/register', { _csrf: csrf, ...registration(email, { 'user.password': 'short', 'user.passwordConfirm': '' }) });
    expect(blank.status).toBe(400);
    expect(blank.text).toMatch(/id="f-user-passwordConfirm-error"[^>]*><span>请再次输入密码<\/span>/);
    expect(blank.text).toMatch(/id="f-user-password-error"[^>]*><li>密码至少 10 位/);
    // beside the schema's refusals too
    const both = await b.post('/register', { _csrf: csrf, ...registration(email, { 'enterprise.name': '', 'user.passwordConfirm': 'other' }) });
    expect(both.status).toBe(400);
    expect(both.text).toContain('id="f-enterprise-name-error"');
    expect(both.text).toContain('id="f-user-passwordConfirm-error"');
    b.cookies.set('fb_lang', 'en');
    const en = await b.post('/register', { _csrf: csrf, ...registration(email, { 'user.passwordConfirm': 'other' }) });
    expect(en.text).toMatch(/<label for="f-user-passwordConfirm"[^>]*>\s*Confirm password/);
    expect(en.text).toMatch(/id="f-user-passwordConfirm-error"[^>]*><span>The two passwords do not match<\/span>/);
    expect(await t.app.db.select().from(enterpriseRegistrations).where(eq(enterpriseRegistrations.email, email))).toEqual([]);
  });

  it('takes a USCC typed in lower case and a bank account typed in groups, keeping them as the code and digits', async () => {
    const email = `${randomUUID()}@firm.test`;
    const uscc = makeUscc(`91330300MA${randomUscc().slice(10, 17)}`);
    const b = new PageClient(t.url);
    const form = registration(email, { 'enterprise.uscc': uscc.toLowerCase(), 'enterprise.bankName': '中国银行温州分行', 'enterprise.bankAccount': '3570 5800 0123-4567 890' });
    const sent = await b.post('/register', { _csrf: await tokenOf(b, '/register'), ...form });
    expect(sent.status).toBe(303);
    const [pending] = await t.app.db.select().from(enterpriseRegistrations).where(eq(enterpriseRegistrations.email, email));
    expect(pending?.enterprise).toMatchObject({ uscc, bankAccount: '3570580001234567890' });
  });

  it('sends the link by email; the link opens a page that creates nothing until its button confirms, once', async () => {
    const email = `${randomUUID()}@firm.test`;
    const b = new PageClient(t.url);
    const sent = await b.post('/register', { _csrf: await tokenOf(b, '/register'), ...registration(email) });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/register/sent');
    const [token] = await confirmationTokensFor(t.app.db, email);
    if (!token) throw new Error('no confirmation email');
    const opened = await b.get(`/register/confirm?token=${token}`);
    expect(opened.status).toBe(200);
    expect(await t.app.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    // a forged confirmation (no token of this browser) is refused and uses nothing up
    expect((await new PageClient(t.url).post('/register/confirm', { token })).status).toBe(403);
    const [pending] = await t.app.db.select().from(enterpriseRegistrations).where(eq(enterpriseRegistrations.tokenHash, hashLinkToken(token)));
    expect(pending?.confirmedAt).toBeNull();
    const confirmed = await b.post('/register/confirm', { _csrf: PageClient.csrfOf(opened.text), token });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/register/confirmed');
    expect((await b.get('/register/confirmed')).text).toContain('href="/login"');
    const again = await b.post('/register/confirm', { _csrf: PageClient.csrfOf(opened.text), token });
    expect(again.status).toBe(404);
    await signedIn(email, PASSWORD);
  });
});

describe('the application form', () => {
  it('is refused to a reviewer (403), the form and its picker alike', async () => {
    const b = await signedIn(w.people.municipal.email);
    expect((await b.get('/cases/new')).status).toBe(403);
    expect((await b.get(`/cases/new/entries?roundId=${w.round.id}&entryQ=氨`)).status).toBe(403);
    expect((await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm() })).status).toBe(403);
    const id = await w.caseIn('revision');
    expect((await b.get(`/cases/${id}/edit`)).status).toBe(403);
    expect((await b.post(`/cases/${id}/edit`, { _csrf: await tokenOf(b), ...applicationForm() })).status).toBe(403);
  });

  it("refuses a reviewer's form before reading it: 403, not the form's problems, and no picker search", async () => {
    const b = await signedIn(w.people.municipal.email);
    const csrf = await tokenOf(b);
    const empty = await b.post('/cases/new', { _csrf: csrf, roundId: '', catalogueEntryId: '' });
    expect(empty.status).toBe(403);
    expect(empty.text).not.toContain('aria-invalid="true"');
    expect((await b.post('/cases/new', { _csrf: csrf, intent: 'search', roundId: w.round.id, entryQ: '氨' })).status).toBe(403);
    const id = await w.caseIn('revision');
    const before = (await t.api.get<{ version: number }>(`/cases/${id}`, w.tokens.firm)).body.version;
    expect((await b.post(`/cases/${id}/edit`, { _csrf: csrf, roundId: '', catalogueEntryId: '' })).status).toBe(403);
    expect((await b.post(`/cases/${id}/edit`, { _csrf: csrf, intent: 'search', roundId: w.round.id, entryQ: '氨' })).status).toBe(403);
    expect((await t.api.get<{ version: number }>(`/cases/${id}`, w.tokens.firm)).body.version).toBe(before);
  });

  it('refuses a form without its token and opens nothing', async () => {
    const b = await signedIn(w.people.firm.email);
    const number = `HT-NOCSRF-${randomUUID().slice(0, 6)}`;
    expect((await b.post('/cases/new', applicationForm({ 'contract.number': number }))).status).toBe(403);
    const all = await t.app.db.select({ contract: cases.contract }).from(cases).where(eq(cases.enterpriseId, w.firm.id));
    expect(all.filter((c) => c.contract.number === number)).toEqual([]);
  });

  it('refuses an edit without its token, or with the token of another browser, and changes nothing', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const form = await b.get(`/cases/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
    const number = `HT-NOCSRF-${randomUUID().slice(0, 6)}`;
    expect((await b.post(`/cases/${id}/edit`, { version, ...applicationForm({ 'contract.number': number }) })).status).toBe(403);
    const stranger = await tokenOf(new PageClient(t.url), '/login');
    expect((await b.post(`/cases/${id}/edit`, { _csrf: stranger, version, ...applicationForm({ 'contract.number': number }) })).status).toBe(403);
    const view = (await t.api.get<{ version: number; contract: { number: string } }>(`/cases/${id}`, w.tokens.firm)).body;
    expect(view.contract.number).not.toBe(number);
    expect(String(view.version)).toBe(version);
  });

  it('saves a draft through the case service: amounts typed with separators, the catalogue name by default', async () => {
    const b = await signedIn(w.people.firm.email);
    const res = await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm() });
    expect(res.status).toBe(303);
    const id = /^\/cases\/([0-9a-f-]{36})\?saved=1$/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
    const view = (await t.api.get<{ state: string; material: { name: string }; contract: { amount: string }; userUnit: { notAffiliate: boolean; notTrader: boolean } }>(`/cases/${id}`, w.tokens.firm)).body;
    expect(view).toMatchObject({ state: 'draft', material: { name: w.entry.name }, contract: { amount: '10000000.00' }, userUnit: { notAffiliate: true, notTrader: false } });
    const page = await b.get(res.headers.get('location') ?? '');
    expect(page.text).toContain('申请已保存。');
    expect(page.text).toContain('缺少必备材料：营业执照，请上传');
    expect(page.text).toContain(`href="/cases/${id}/edit"`);
  });

  it('saves amounts typed in full-width digits and a lower-case user unit USCC as the API stores them', async () => {
    const b = await signedIn(w.people.firm.email);
    const uscc = makeUscc(`91330300MA${randomUscc().slice(10, 17)}`);
    const form = applicationForm({ 'contract.amount': '１０，０００，０００．００', 'policy.premium': '１５０００００', 'userUnit.uscc': uscc.toLowerCase() });
    const res = await b.post('/cases/new', { _csrf: await tokenOf(b), ...form });
    expect(res.status).toBe(303);
    const id = /^\/cases\/([0-9a-f-]{36})\?saved=1$/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
    const view = (await t.api.get<{ contract: { amount: string }; policy: { premium: string }; userUnit: { uscc: string } }>(`/cases/${id}`, w.tokens.firm)).body;
    expect(view).toMatchObject({ contract: { amount: '10000000.00' }, policy: { premium: '1500000.00' }, userUnit: { uscc } });
    const bad = await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm({ 'contract.amount': '１２．３４５' }) });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="f-contract-amount-error"/);
    expect(bad.text).toContain('value="１２．３４５"');
  });

  it('saves a draft whose fields carry a NUL character, without it, rather than losing the form', async () => {
    const b = await signedIn(w.people.firm.email);
    const number = `HT-NUL-${randomUUID().slice(0, 6)}`;
    const res = await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm({ 'contract.number': `${number}\u0000`, 'material.specification': '300\u0000 mm' }) });
    expect(res.status).toBe(303);
    const id = /^\/cases\/([0-9a-f-]{36})\?saved=1$/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
    const view = (await t.api.get<{ contract: { number: string }; material: { specification: string } }>(`/cases/${id}`, w.tokens.firm)).body;
    expect(view).toMatchObject({ contract: { number }, material: { specification: '300 mm' } });
  });

  it('names a malformed amount beside its field and saves nothing', async () => {
    const b = await signedIn(w.people.firm.email);
    const number = `HT-BAD-${randomUUID().slice(0, 6)}`;
    const res = await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm({ 'contract.number': number, 'contract.amount': '12.345' }) });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-contract-amount-error"/);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain(`value="${number}"`);
  });

  it('names a field sent twice beside it, keeps the form as sent, and saves nothing', async () => {
    const b = await signedIn(w.people.firm.email);
    const number = `HT-TWICE-${randomUUID().slice(0, 6)}`;
    const res = await b.post('/cases/new', { _csrf: await tokenOf(b), ...applicationForm({ 'contract.number': number }), 'contract.amount': ['10,000,000.00', '1.00'] });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-contract-amount-error"><span>此项只能填写一个值：表单重复提交了该项<\/span>/);
    expect(res.text).toContain(`value="${number}"`);
    expect(res.text).toContain('value="10,000,000.00"');
    const listed = await t.api.get<{ items: { contract?: { number: string } }[] }>('/cases?limit=100', w.tokens.firm);
    expect(JSON.stringify(listed.body)).not.toContain(number);
  });

  it('names a malformed amount of an edit beside its field, keeps what was typed, and changes nothing', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const form = await b.get(`/cases/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
    const number = `HT-BADEDIT-${randomUUID().slice(0, 6)}`;
    const res = await b.post(`/cases/${id}/edit`, { _csrf: PageClient.csrfOf(form.text), version, ...applicationForm({ 'contract.number': number, 'contract.amount': '12.345' }) });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-contract-amount-error"/);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain(`value="${number}"`);
    expect((await t.api.get<{ contract: { number: string } }>(`/cases/${id}`, w.tokens.firm)).body.contract.number).not.toBe(number);
  });

  it("answers 404 for another firm's case, to see its form or to change it", async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.otherFirm.email);
    expect((await b.get(`/cases/${id}/edit`)).status).toBe(404);
    expect((await b.post(`/cases/${id}/edit`, { _csrf: await tokenOf(b), ...applicationForm({ 'contract.number': 'HT-TAKEN' }) })).status).toBe(404);
    expect((await t.api.get<{ contract: { number: string } }>(`/cases/${id}`, w.tokens.firm)).body.contract.number).not.toBe('HT-TAKEN');
  });

  it('edits a draft with the version it was shown, and says so when the case changed meanwhile', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const form = await b.get(`/cases/${id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="10,000,000.00"');
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
    const csrf = PageClient.csrfOf(form.text);
    expect((await b.post(`/cases/${id}/edit`, { _csrf: csrf, version, ...applicationForm({ 'contract.number': 'HT-EDIT-1' }) })).status).toBe(303);
    const stale = await b.post(`/cases/${id}/edit`, { _csrf: csrf, version, ...applicationForm({ 'contract.number': 'HT-EDIT-2' }) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('此申请刚被更新过');
    expect((await t.api.get<{ contract: { number: string } }>(`/cases/${id}`, w.tokens.firm)).body.contract.number).toBe('HT-EDIT-1');
  });
});

describe('document uploads from the case page', () => {
  it('stores a new version through the upload service and lists it', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const csrf = await tokenOf(b, `/cases/${id}`);
    const first = await b.postMultipart(`/cases/${id}/documents`, upload(csrf));
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/cases/${id}?uploaded=business_license&v=1#documents`);
    expect((await b.postMultipart(`/cases/${id}/documents`, upload(csrf, 'business_license', pdfBytes('second')))).status).toBe(303);
    expect((await documentsOf(id)).map((d) => d.version).sort()).toEqual([1, 2]);
    const page = await b.get(`/cases/${id}?uploaded=business_license&v=2`);
    expect(page.text).toContain('已上传营业执照（第 2 版）。');
    expect(page.text).not.toContain('缺少必备材料：营业执照');
  });

  it('refuses an upload without the form token and keeps nothing', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    expect((await b.postMultipart(`/cases/${id}/documents`, upload(null))).status).toBe(403);
    expect(await documentsOf(id)).toEqual([]);
  });

  it('says in Chinese that a multipart body it cannot read is refused, and keeps nothing', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const form = new FormData();
    form.append('_csrf', await tokenOf(b, `/cases/${id}`));
    form.append('type', 'business_license');
    // a NUL in the file name breaks the part's header
    form.append('file', new Blob([new Uint8Array(pdfBytes('licence'))], { type: 'application/pdf' }), 'a\u0000b.pdf');
    const res = await b.postMultipart(`/cases/${id}/documents`, form);
    expect(res.status).toBe(400);
    expect(res.text).toContain('上传的表单无法读取');
    expect(res.text).not.toContain('multipart body');
    expect(await documentsOf(id)).toEqual([]);
  });

  it("answers 404 to another firm and 403 to a reviewer who sees the case, storing nothing", async () => {
    const id = await w.caseIn('revision');
    const before = (await documentsOf(id)).length;
    const other = await signedIn(w.people.otherFirm.email);
    expect((await other.postMultipart(`/cases/${id}/documents`, upload(await tokenOf(other)))).status).toBe(404);
    const reviewer = await signedIn(w.people.municipal.email);
    const refused = await reviewer.postMultipart(`/cases/${id}/documents`, upload(await tokenOf(reviewer)));
    expect(refused.status).toBe(403);
    expect((await documentsOf(id)).length).toBe(before);
    // the reviewer's case page has no upload form and no pre-submission check
    const page = await reviewer.get(`/cases/${id}`);
    expect(page.text).not.toContain('enctype="multipart/form-data"');
    expect(page.text).not.toContain('提交前检查');
  });

  it("refuses a reviewer's upload before reading it: 403 even for a file that is no document", async () => {
    const id = await w.caseIn('revision');
    const before = (await documentsOf(id)).length;
    const reviewer = await signedIn(w.people.municipal.email);
    const form = new FormData();
    form.append('_csrf', await tokenOf(reviewer));
    form.append('type', 'test_report');
    form.append('file', new Blob(['just text'], { type: 'text/plain' }), 'report.txt');
    const refused = await reviewer.postMultipart(`/cases/${id}/documents`, form);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toMatch(/id="upload-test_report-error"/);
    expect((await documentsOf(id)).length).toBe(before);
  });

  it('names a file that is not a document beside the file field', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const form = new FormData();
    form.append('_csrf', await tokenOf(b, `/cases/${id}`));
    form.append('type', 'test_report');
    form.append('file', new Blob(['just text'], { type: 'text/plain' }), 'report.txt');
    const res = await b.postMultipart(`/cases/${id}/documents`, form);
    expect(res.status).toBe(415);
    expect(res.text).toMatch(/id="upload-test_report-error"/);
    expect(await documentsOf(id)).toEqual([]);
  });
});

describe('a case returned for revision, on its page', () => {
  it("shows the firm the reviewer's reasons above the check, each linked to the field it names, until the case is resubmitted", async () => {
    const id = await w.submittedCase();
    const returned = await t.api.post(
      `/cases/${id}/events`,
      { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与销售发票不一致' }, { message: '请补充第三方检测报告' }] },
      w.tokens.municipal,
    );
    expect(returned.status).toBe(200);
    const b = await signedIn(w.people.firm.email);
    const page = await b.get(`/cases/${id}`);
    expect(page.status).toBe(200);
    const start = page.text.indexOf('id="return-reasons"');
    expect(start).toBeGreaterThan(-1);
    // above the check and the decisions, not only in the history at the bottom
    expect(start).toBeLessThan(page.text.indexOf('提交前检查'));
    const box = page.text.slice(start, page.text.indexOf('</div>', start));
    expect(box).toContain('退回补正的理由');
    expect(box).toMatch(/<a href="[^"]*\/cases\/[^"]+\/edit[^"]*">合同金额与销售发票不一致<\/a>/);
    expect(box).toContain('<span>请补充第三方检测报告</span>');

    // the municipal reviewer sees no such box; after the resubmission neither does the firm
    expect((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text).not.toContain('id="return-reasons"');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    expect((await b.get(`/cases/${id}`)).text).not.toContain('id="return-reasons"');
  });
});

describe('the rounds a new application is offered', () => {
  it('offers the rounds still taking applications, each with its closing time, and not a closed one', async () => {
    const closed = await makeRound(t.app.db, { editionId: w.edition.id, name: `已截止批次-${randomUUID().slice(0, 6)}`, closesAt: new Date('2026-01-31T17:00:00+08:00') });
    const page = await (await signedIn(w.people.firm.email)).get('/cases/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${w.round.name}（${factoryDates.year}） · 截止 北京时间 ${factoryDates.year + 1}年12月31日 23:59`);
    expect(page.text).not.toContain(closed.name);
    const en = await signedIn(w.people.firm.email);
    en.cookies.set('fb_lang', 'en');
    expect((await en.get('/cases/new')).text).toMatch(new RegExp(`${w.round.name} \\(${factoryDates.year}\\) · closes \\d{1,2} Dec ${factoryDates.year + 1}, 23:59 \\(Beijing time\\)`));
  });
});

describe('a new application with no round taking applications', () => {
  const own = useTestApp({ ownDatabase: true });

  it('says so, and offers no form to fill in for nothing', async () => {
    // the world's one round closes before the clock
    await own.t.app.db.update(rounds).set({ closesAt: new Date(own.t.app.clock.now().getTime() - 60_000) }).where(eq(rounds.id, own.w.round.id));
    const b = new PageClient(own.t.url);
    await b.signIn(own.w.people.firm.email);
    const page = await b.get('/cases/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('目前没有正在受理的申报批次，暂不能新建申请。');
    expect(page.text).not.toContain('<form method="post" action="/cases/new"');
  });
});
