import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userInvitations, users } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { hashLinkToken } from '../../server/auth/emailed-link';
import { startTestApp, type TestApp } from '../support/app';
import { invitationTokensFor } from '../support/registration';
import { PageClient } from '../support/pages';

// The link of an invitation email opens a page of this site (SPEC §7): the invited staff member
// sets a password there, without an API client.
let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.api.login((await makeUser(t.app.db, { roles: ['admin'] })).email);
});
afterAll(async () => t.close());

const PASSWORD = 'Invited-2026-wafer';

async function invited(): Promise<{ email: string; token: string }> {
  const email = `${randomUUID()}@staff.test`;
  const res = await t.api.post('/admin/users', { email, name: '周专家', roles: ['provincial'] }, admin);
  expect(res.status).toBe(201);
  const [token] = await invitationTokensFor(t.app.db, email);
  if (!token) throw new Error('no invitation token');
  return { email, token };
}

describe('the invitation page', () => {
  it('opens from the emailed link, sets the password, and the person signs in with it', async () => {
    const { email, token } = await invited();
    const browser = new PageClient(t.url);
    const page = await browser.get(`/invitation?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(email);
    expect(page.text).toMatch(/<label for="[^"]+"[^>]*>\s*新密码/);
    const done = await browser.post('/invitation', { _csrf: PageClient.csrfOf(page.text), token, password: PASSWORD, passwordConfirm: PASSWORD });
    expect(done.status).toBe(200);
    expect(done.text).toContain('/login');
    const [row] = await t.app.db.select().from(users).where(eq(users.email, email));
    expect(row?.passwordHash).not.toBeNull();
    await browser.signIn(email, PASSWORD);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('names what is wrong with the password beside the field, and keeps the link usable', async () => {
    const { token } = await invited();
    const browser = new PageClient(t.url);
    const page = await browser.get(`/invitation?token=${token}`);
    const weak = await browser.post('/invitation', { _csrf: PageClient.csrfOf(page.text), token, password: 'short', passwordConfirm: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.text).toMatch(/class="error"[^>]*>[\s\S]*10/);
    const [invitation] = await t.app.db.select().from(userInvitations).where(eq(userInvitations.tokenHash, hashLinkToken(token)));
    expect(invitation?.acceptedAt).toBeNull();
  });

  it('refuses two passwords that differ beside the confirmation, in the page language, and sets nothing', async () => {
    const { email, token } = await invited();
    const browser = new PageClient(t.url);
    const page = await browser.get(`/invitation?token=${token}`);
    expect(page.text).toMatch(/<label for="f-passwordConfirm"[^>]*>\s*确认新密码/);
    const csrf = PageClient.csrfOf(page.text);
    const differ = await browser.post('/invitation', { _csrf: csrf, token, password: PASSWORD, passwordConfirm: `${PASSWORD}!` });
    expect(differ.status).toBe(400);
    expect(differ.text).toMatch(/id="f-passwordConfirm-error"[^>]*>\s*<span>两次输入的密码不一致<\/span>/);
    expect(differ.text).toMatch(/<input[^>]*id="f-passwordConfirm"[^>]*aria-invalid="true"/);
    expect(differ.text).not.toContain('f-password-error');
    expect(differ.text).not.toContain(PASSWORD);
    // left blank, it asks for the password again; a weak one is named at the same time
    const blank = await browser.post('/invitation', { _csrf: csrf, token, password: 'short' });
    expect(blank.status).toBe(400);
    expect(blank.text).toMatch(/id="f-passwordConfirm-error"[^>]*>\s*<span>请再次输入密码<\/span>/);
    expect(blank.text).toMatch(/id="f-password-error"[^>]*>[\s\S]*10/);
    browser.cookies.set('fb_lang', 'en');
    const en = await browser.post('/invitation', { _csrf: csrf, token, password: PASSWORD, passwordConfirm: 'other' });
    expect(en.text).toMatch(/id="f-passwordConfirm-error"[^>]*>\s*<span>The two passwords do not match<\/span>/);
    const [row] = await t.app.db.select().from(users).where(eq(users.email, email));
    expect(row?.passwordHash).toBeNull();
    const [invitation] = await t.app.db.select().from(userInvitations).where(eq(userInvitations.tokenHash, hashLinkToken(token)));
    expect(invitation?.acceptedAt).toBeNull();
    // the link still works once they agree
    expect((await browser.post('/invitation', { _csrf: csrf, token, password: PASSWORD, passwordConfirm: PASSWORD })).status).toBe(200);
  });

  it('says a used or unknown link no longer works, without a form, in the page language', async () => {
    const { token } = await invited();
    expect((await t.api.post(`/auth/invitations/${token}`, { password: PASSWORD })).status).toBe(200);
    const browser = new PageClient(t.url);
    const used = await browser.get(`/invitation?token=${token}`);
    expect(used.status).toBe(410);
    expect(used.text).toContain('已失效');
    expect(used.text).not.toContain('name="password"');
    const unknown = await browser.get('/invitation?token=not-a-token-we-sent');
    expect(unknown.status).toBe(404);
    expect(unknown.text).not.toContain('name="password"');
    expect((await browser.get('/invitation')).status).toBe(404);
  });

  it('refuses a password set without the form token, 403', async () => {
    const { token } = await invited();
    const res = await new PageClient(t.url).post('/invitation', { token, password: PASSWORD });
    expect(res.status).toBe(403);
  });
});
