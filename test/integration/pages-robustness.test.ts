import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { hashing } from '../../server/auth/password';

// What a stranger may send the pages' forms that no form of theirs sends: the answer is the styled
// page in the page's language, promptly, never a connection left open.
const { t, w } = useTestApp();

/** A raw form post that gives up after a few seconds, so a request the server never answers fails the test. */
async function rawPost(path: string, body: string, cookie = '') {
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
    body,
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('a form body the pages do not read', () => {
  it('with more fields than any form has is answered with the styled error page', async () => {
    const body = Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&');
    const res = await rawPost('/login', body);
    expect(res.status).toBe(413);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('请求无法处理，请检查后重试。');
  });

  it('larger than the pages accept is answered with the styled error page, also when signed in', async () => {
    const b = new PageClient(t.url);
    await b.signIn(w.people.firm.email);
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await rawPost('/cases/new', `material.name=${'A'.repeat(70_000)}`, cookie);
    expect(res.status).toBe(413);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.text).toContain('请求无法处理，请检查后重试。');
  });
});

describe('the catalogue import form', () => {
  it('names a field the service refuses in Chinese on the Chinese page', async () => {
    const admin = new PageClient(t.url);
    await admin.signIn(w.people.admin.email);
    const page = await admin.get('/admin/catalogue');
    const form = new FormData();
    form.set('_csrf', PageClient.csrfOf(page.text));
    form.set('year', '2026');
    form.set('docNumber', '浙经信材料〔2026〕1号');
    form.set('effectiveOn', '2026-02-30');
    form.set('file', new Blob(['name\n'], { type: 'text/csv' }), 'catalogue.csv');
    const res = await admin.postMultipart('/admin/catalogue/editions', form);
    expect(res.status).toBe(400);
    const said = /id="f-effectiveOn-error"><span>([^<]*)</.exec(res.text)?.[1] ?? '';
    expect(said).not.toBe('');
    expect(said).toMatch(/[\u4e00-\u9fff]/);
    expect(said).not.toContain('the effective date');
  });
});

describe('a multipart body that cannot be read', () => {
  it('is refused in Chinese on the catalogue import page', async () => {
    const admin = new PageClient(t.url);
    await admin.signIn(w.people.admin.email);
    const page = await admin.get('/admin/catalogue');
    const form = new FormData();
    form.set('_csrf', PageClient.csrfOf(page.text));
    form.set('year', '2026');
    form.set('docNumber', '浙经信材料〔2026〕1号');
    form.set('effectiveOn', '2026-02-01');
    // a NUL in the file name breaks the part's header
    form.set('file', new Blob(['name\n'], { type: 'text/csv' }), 'a\u0000b.csv');
    const res = await admin.postMultipart('/admin/catalogue/editions', form);
    expect(res.status).toBe(400);
    expect(res.text).toContain('上传的表单无法读取');
    expect(res.text).not.toContain('multipart body');
  });
});

describe('a moment of overload', () => {
  it('is said in the page language with when to come back, not in the service words', async () => {
    const b = new PageClient(t.url);
    const page = await b.get('/login');
    const allowed = hashing.maxWaitMs;
    hashing.maxWaitMs = -1; // every password check is refused as if the queue were full
    try {
      const res = await b.post('/login', { _csrf: PageClient.csrfOf(page.text), email: w.people.firm.email, password: 'Test-password-1' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.text).toContain('系统此刻繁忙，请几秒钟后再试。');
      expect(res.text).not.toContain('sign-ins');
    } finally {
      hashing.maxWaitMs = allowed;
    }
  });
});

describe('text the database cannot store', () => {
  it('in a search of the public catalogue is dropped, as page forms drop it: the catalogue is searched for the rest', async () => {
    const res = await new PageClient(t.url).get('/catalogue?q=a%00b');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('value="ab"');
    expect(res.text).not.toContain('请求无法处理');
  });

  it('in a signed-in list filter or a form field is refused the same way', async () => {
    const firm = new PageClient(t.url);
    await firm.signIn(w.people.firm.email);
    expect((await firm.get('/cases?state=%00')).status).toBe(400);
    const admin = new PageClient(t.url);
    await admin.signIn(w.people.admin.email);
    const res = await admin.get('/admin/users?q=%00');
    expect(res.status).toBe(400);
    expect(res.text).toContain('请求无法处理，请检查后重试。');
  });
});

describe('a form field of one value sent twice', () => {
  it('is refused on the styled page, naming the field in Chinese, where the form reads one value, and nothing is changed', async () => {
    const b = new PageClient(t.url);
    await b.signIn(w.people.municipal.email);
    const csrf = PageClient.csrfOf((await b.get('/account/password')).text);
    const res = await b.post('/account/password', { _csrf: csrf, currentPassword: 'whatever-1', newPassword: ['Abcdef-123456', 'Other-654321'], newPasswordConfirm: 'Abcdef-123456' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('表单中的“newPassword”一项只能填写一个值，却重复提交了');
    // the language switch too: the cookie is not set
    const lang = await b.post('/lang', { _csrf: csrf, lang: ['en', 'zh'], back: '/' });
    expect(lang.status).toBe(400);
    expect(lang.text).toContain('表单中的“lang”一项只能填写一个值');
    expect(b.cookies.has('fb_lang')).toBe(false);
  });

  it("is said beside a case decision's field, the form kept as sent, and the case is not moved", async () => {
    const id = await w.caseIn('municipal');
    const b = new PageClient(t.url);
    await b.signIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RETURN', reasons: ['缺少检测报告', '另一条'] });
    expect(res.status).toBe(400);
    expect(res.text).toContain('此项只能填写一个值：表单重复提交了该项');
    expect(res.text).toContain('缺少检测报告</textarea>');
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('municipal');
  });
});
