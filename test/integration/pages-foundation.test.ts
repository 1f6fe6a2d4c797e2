import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { makeWorld, type World } from '../support/world';
import { PageClient } from '../support/pages';
import { makeUser } from '../../seeds/factories';
import { FAILURES_PER_ADDRESS } from '../../server/auth/login-limits';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app.db, t.api, t.app);
});
afterAll(async () => t.close());

const browser = () => new PageClient(t.url);

describe('sign-in page', () => {
  it('is Chinese by default, with a labelled field per input and a form token', async () => {
    const page = await browser().get('/login');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(page.text).toContain('<label for="f-email">邮箱</label>');
    expect(page.text).toContain('<label for="f-password">密码</label>');
    expect(PageClient.csrfOf(page.text)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('allows scripts and styles from this site only', async () => {
    const csp = (await browser().get('/login')).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('https:');
  });

  it('signs in with the right password and shows the dashboard with the session in an httpOnly SameSite cookie', async () => {
    const b = browser();
    const page = await b.get('/login');
    const res = await b.post('/login', { _csrf: PageClient.csrfOf(page.text), email: w.people.firm.email, password: 'Test-password-1', next: '/' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('fb_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await b.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(w.people.firm.name);
  });

  it('says the email or password is wrong, next to the form, and keeps the email typed', async () => {
    const b = browser();
    const page = await b.get('/login');
    const res = await b.post('/login', { _csrf: PageClient.csrfOf(page.text), email: w.people.firm.email, password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('邮箱或密码错误');
    expect(res.text).toContain(`value="${w.people.firm.email}"`);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('fb_session='))).toBe(false);
  });

  it('keeps no page on another site as where to go after a refused sign-in', async () => {
    const b = browser();
    const csrf = PageClient.csrfOf((await b.get('/login')).text);
    const res = await b.post('/login', { _csrf: csrf, email: w.people.firm.email, password: 'not-the-password', next: '//evil.example/' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('<input type="hidden" name="next" value="/"/>');
    expect(res.text).not.toContain('evil.example');
  });

  it('shows a sign-in paused after 5 wrong passwords on the sign-in page, the email kept, with how long to wait and the way to reset the password', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    const b = browser();
    const csrf = PageClient.csrfOf((await b.get('/login')).text);
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await b.post('/login', { _csrf: csrf, email: user.email, password: `wrong-${i}`, next: '/' })).status).toBe(401);
    const res = await b.post('/login', { _csrf: csrf, email: user.email, password: 'Test-password-1', next: '/cases' });
    expect(res.status).toBe(429);
    const seconds = Number(res.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(600);
    expect(seconds).toBeLessThanOrEqual(900);
    expect(res.text).toContain('<form method="post" action="/login"');
    expect(res.text).toContain(`value="${user.email}"`);
    expect(res.text).toContain('<input type="hidden" name="next" value="/cases"/>');
    expect(res.text).toContain(`此账号密码错误次数过多，登录已暂停，请 ${Math.ceil(seconds / 60)} 分钟后再试。`);
    expect(res.text).toContain('<a href="/password/forgot">忘记密码？</a>');
    expect(res.text).not.toContain('请求过于频繁');
  });

  it('puts the validation reason of the API beside the email field', async () => {
    const b = browser();
    const page = await b.get('/login');
    const res = await b.post('/login', { _csrf: PageClient.csrfOf(page.text), email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<p class="error" id="f-email-error"><span>[^<]+<\/span><\/p>/);
    expect(res.text).toContain('aria-describedby="f-email-error"');
  });

  it('sends a visitor of a signed-in page to sign in, and back afterwards', async () => {
    const b = browser();
    const res = await b.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2F');
  });

  it('signs out, ending the session', async () => {
    const b = browser();
    await b.signIn(w.people.municipal.email);
    const token = b.cookies.get('fb_session');
    const home = await b.get('/');
    const res = await b.post('/logout', { _csrf: PageClient.csrfOf(home.text) });
    expect(res.status).toBe(303);
    expect((await t.api.get('/me', token)).status).toBe(401);
    expect((await b.get('/')).status).toBe(303);
  });
});

describe('form tokens (CSRF)', () => {
  it('refuses a sign-in without a token, 403', async () => {
    const b = browser();
    await b.get('/login');
    const res = await b.post('/login', { email: w.people.firm.email, password: 'Test-password-1' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('表单已失效或来源不明');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('fb_session='))).toBe(false);
  });

  it("refuses a token of another browser's page, 403", async () => {
    const other = await browser().get('/login');
    const b = browser();
    await b.get('/login');
    const res = await b.post('/login', { _csrf: PageClient.csrfOf(other.text), email: w.people.firm.email, password: 'Test-password-1' });
    expect(res.status).toBe(403);
  });

  it('refuses a sign-out with a wrong token, and the session lives on', async () => {
    const b = browser();
    await b.signIn(w.people.provincial.email);
    const res = await b.post('/logout', { _csrf: 'x'.repeat(43) });
    expect(res.status).toBe(403);
    expect((await b.get('/')).status).toBe(200);
  });

  it('binds the token to the session: the pre-sign-in token no longer works once signed in', async () => {
    const b = browser();
    const before = PageClient.csrfOf((await b.get('/login')).text);
    await b.post('/login', { _csrf: before, email: w.people.finance.email, password: 'Test-password-1' });
    expect((await b.post('/logout', { _csrf: before })).status).toBe(403);
  });
});

describe('language switch', () => {
  it('switches to English and the choice sticks across pages', async () => {
    const b = browser();
    const page = await b.get('/login');
    const res = await b.post('/lang', { _csrf: PageClient.csrfOf(page.text), lang: 'en', back: '/login' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const again = await b.get('/login');
    expect(again.text).toContain('<html lang="en">');
    expect(again.text).toContain('<label for="f-email">Email</label>');
    expect((await b.get('/no-such-page')).text).toContain('Page not found');
  });

  it('comes back to the same search after switching', async () => {
    const b = browser();
    const page = await b.get('/catalogue?q=%E6%B0%A8');
    expect(page.text).toContain('<input type="hidden" id="lang-back" name="back" value="/catalogue?q=%E6%B0%A8"/>');
    const res = await b.post('/lang', { _csrf: PageClient.csrfOf(page.text), lang: 'en', back: '/catalogue?q=%E6%B0%A8' });
    expect(res.headers.get('location')).toBe('/catalogue?q=%E6%B0%A8');
  });

  it('refuses a switch without a token and never sends anyone to another site', async () => {
    const b = browser();
    const page = await b.get('/login');
    expect((await b.post('/lang', { lang: 'en', back: '/login' })).status).toBe(403);
    const away = await b.post('/lang', { _csrf: PageClient.csrfOf(page.text), lang: 'en', back: '//evil.example/' });
    expect(away.headers.get('location')).toBe('/');
  });
});

describe('language switch on a page drawn again by a refused form', () => {
  const back = (html: string) => PageClient.hiddenOf(html, 'back');
  // a browser sends no Referer (Referrer-Policy: no-referrer): the form says which page it is on
  const refused = async (b: PageClient, from: string, action: string, form: Record<string, string>) => {
    const page = await b.get(from);
    expect(PageClient.hiddenOf(page.text, '_page')).toBe(from);
    return b.post(action, { ...form, _csrf: PageClient.csrfOf(page.text), _page: PageClient.hiddenOf(page.text, '_page') });
  };

  it('comes back to the sign-in page, its next page kept, after a refused sign-in', async () => {
    const b = browser();
    const res = await refused(b, '/login?next=%2Fcases', '/login', { email: 'nobody@example.com', password: 'wrong-password', next: '/cases' });
    expect(res.status).toBe(401);
    expect(back(res.text)).toBe('/login?next=%2Fcases');
    const lang = await b.post('/lang', { _csrf: PageClient.csrfOf(res.text), lang: 'en', back: back(res.text) });
    expect(lang.headers.get('location')).toBe('/login?next=%2Fcases');
  });

  it('comes back to the password page, not the dashboard, after a refused password change', async () => {
    const b = browser();
    await b.signIn(w.people.firm.email);
    const res = await refused(b, '/account/password', '/account/password', { currentPassword: 'Test-password-1', newPassword: 'Another-password-9', newPasswordConfirm: 'Another-password-8' });
    expect(res.status).toBe(400);
    expect(back(res.text)).toBe('/account/password');
    expect(PageClient.hiddenOf(res.text, '_page')).toBe('/account/password');
    const lang = await b.post('/lang', { _csrf: PageClient.csrfOf(res.text), lang: 'en', back: back(res.text) });
    expect(lang.headers.get('location')).toBe('/account/password');
  });

  it('never takes a page on another site from a form, nor sends anyone there', async () => {
    const b = browser();
    await b.signIn(w.people.firm.email);
    const page = await b.get('/account/password');
    const csrf = PageClient.csrfOf(page.text);
    for (const away of ['//evil.example/', 'https://evil.example/', '/\\evil.example/', '\\\\evil.example/', '/account\\..\\x', '/\tevil', 'javascript:alert(1)', `/${'x'.repeat(2048)}`]) {
      const res = await b.post('/account/password', { _csrf: csrf, _page: away, currentPassword: 'Test-password-1', newPassword: 'Another-password-9', newPasswordConfirm: 'Another-password-8' });
      expect(res.status, away).toBe(400);
      expect(back(res.text), away).toBe('/');
      expect((await b.post('/lang', { _csrf: csrf, lang: 'zh', back: away })).headers.get('location'), away).toBe('/');
    }
  });
});

describe('not found and files', () => {
  it('answers an unknown page with the 404 page in the same layout', async () => {
    const res = await browser().get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('页面不存在');
    expect(res.text).toContain('浙江省重点新材料首批次应用保险补偿');
  });

  it('leaves the API its problem answers', async () => {
    const res = await t.api.get('/api/v1/no-such-route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('serves the stylesheet and htmx under content-hashed names, cached for a year', async () => {
    const page = await browser().get('/login');
    const urls = [...page.text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      expect(url).toMatch(/^\/assets\/(app|htmx)\.[0-9a-f]{16}\.(css|js)$/);
      const res = await fetch(`${t.url}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(`${t.url}/assets/app.0000000000000000.css`)).status).toBe(404);
  });
});
