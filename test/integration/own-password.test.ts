import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAttempts, outbox, passwordResets, sessions, userChanges, users } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { hashLinkToken } from '../../server/auth/emailed-link';
import { FAILURES_PER_ADDRESS } from '../../server/auth/login-limits';
import { RESET_LINK_HOURS, RESETS_PER_ADDRESS_PER_HOUR, sendResetLink } from '../../server/auth/password-reset';
import { startTestApp, type TestApp } from '../support/app';
import { emailsTo as allEmailsTo } from '../support/registration';
import { PageClient } from '../support/pages';
import { resetTokensFor as resetTokensOf, runResetRequests } from '../support/password-resets';

/**
 * The emails about the account itself. A reviewer made here is told of the cases other files
 * submit in their city meanwhile (every municipal reviewer of the city is), which are not this file's.
 */
const emailsTo: typeof allEmailsTo = async (db, email) => (await allEmailsTo(db, email)).filter((template) => template.startsWith('account.'));

// A person's own password (SPEC §7): changed while signed in, or reset from an emailed link.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const OLD = 'Test-password-1';
const NEW = 'Granite-wafer-2031';

const resetRequestsFor = (email: string) => t.app.db.select().from(outbox).where(and(eq(outbox.topic, 'passwordReset'), sql`${outbox.payload}->>'email' = ${email}`)).orderBy(asc(outbox.id));

const resetTokensFor = (email: string) => resetTokensOf(t.app, email);

const liveSessions = async (userId: string) => (await t.app.db.select().from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))).length;

describe('POST /me/password', () => {
  it('changes the password, keeps this session, ends the others, records it and emails the owner', async () => {
    const u = await makeUser(t.app.db, { roles: ['municipal'], city: '330100' });
    const here = await t.api.login(u.email);
    const elsewhere = await t.api.login(u.email);
    const res = await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW }, here);
    expect(res.status).toBe(204);
    expect((await t.api.get('/me', here)).status).toBe(200);
    expect((await t.api.get('/me', elsewhere)).status).toBe(401);
    expect(await liveSessions(u.id)).toBe(1);
    expect((await t.api.post('/auth/login', { email: u.email, password: OLD })).status).toBe(401);
    await t.api.login(u.email, NEW);
    expect(await emailsTo(t.app.db, u.email)).toEqual(['account.passwordChanged']);
    const [change] = await t.app.db.select().from(userChanges).where(eq(userChanges.userId, u.id));
    expect(change).toMatchObject({ changedBy: u.id, after: { password: 'changed' } });
  });

  it('refuses a wrong current password (422 at currentPassword) and counts it toward the sign-in limit', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const token = await t.api.login(u.email);
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) {
      const res = await t.api.post<{ errors: { path: string; code: string }[] }>('/me/password', { currentPassword: 'Wrong-password-9', newPassword: NEW }, token);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'currentPassword', code: 'password.wrong_current' })]);
    }
    // the limit is spent: even the right password is refused now, and sign-in from here too
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW }, token)).status).toBe(429);
    expect((await t.api.post('/auth/login', { email: u.email, password: OLD })).status).toBe(429);
    const [row] = await t.app.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.passwordHash).toBe(u.passwordHash);
  });

  it('refuses a weak, an unchanged or a too long new password, with reasons, and changes nothing', async () => {
    const u = await makeUser(t.app.db, { roles: ['provincial'] });
    const token = await t.api.login(u.email);
    const weak = await t.api.post<{ errors: { path: string; code: string }[] }>('/me/password', { currentPassword: OLD, newPassword: 'short' }, token);
    expect(weak.status).toBe(422);
    expect(weak.body.errors.map((e) => e.code)).toContain('password.too_short');
    const same = await t.api.post<{ errors: { path: string; code: string }[] }>('/me/password', { currentPassword: OLD, newPassword: OLD }, token);
    expect(same.status).toBe(422);
    expect(same.body.errors).toEqual([expect.objectContaining({ path: 'newPassword', code: 'password.unchanged' })]);
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: 'x'.repeat(1001) }, token)).status).toBe(400);
    expect((await t.api.post('/me/password', { currentPassword: OLD }, token)).status).toBe(400);
    await t.api.login(u.email, OLD);
    expect(await emailsTo(t.app.db, u.email)).toEqual([]);
  });

  it('records a wrong current password as a failed sign-in of the account', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const token = await t.api.login(u.email);
    expect((await t.api.post('/me/password', { currentPassword: 'Wrong-password-9', newPassword: NEW }, token)).status).toBe(422);
    const attempts = await t.app.db.select().from(loginAttempts).where(eq(loginAttempts.email, u.email));
    expect(attempts.filter((a) => !a.succeeded)).toHaveLength(1);
  });

  it('takes back the failures counted before once the current password is given right', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const token = await t.api.login(u.email);
    for (let i = 0; i < FAILURES_PER_ADDRESS - 1; i++) {
      expect((await t.api.post('/me/password', { currentPassword: 'Wrong-password-9', newPassword: NEW }, token)).status).toBe(422);
    }
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW }, token)).status).toBe(204);
    // the right password cleared the count: a sign-in from here is not refused as one failure too many
    expect((await t.api.post('/auth/login', { email: u.email, password: NEW })).status).toBe(200);
  });

  it("ends the outstanding reset links of its own account only, not another person's", async () => {
    const [u, other] = await Promise.all([makeUser(t.app.db, { roles: ['firm'] }), makeUser(t.app.db, { roles: ['firm'] })]);
    await t.api.post('/auth/password-reset', { email: other.email });
    const [token] = await resetTokensFor(other.email);
    if (!token) throw new Error('no reset link');
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW }, await t.api.login(u.email))).status).toBe(204);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Another-wafer-2032' })).status).toBe(204);
  });

  it('is refused without a session (401)', async () => {
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW })).status).toBe(401);
  });
});

describe('the change-password page', () => {
  it('is linked from the header, changes the password, and signs out other browsers', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const browser = new PageClient(t.url);
    await browser.signIn(u.email);
    const other = new PageClient(t.url);
    await other.signIn(u.email);
    const home = await browser.get('/');
    expect(home.text).toContain('href="/account/password"');
    const page = await browser.get('/account/password');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<label for="f-currentPassword"[^>]*>\s*当前密码/);
    const done = await browser.post('/account/password', { _csrf: PageClient.csrfOf(page.text), currentPassword: OLD, newPassword: NEW, newPasswordConfirm: NEW });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account/password?done=1');
    expect((await browser.get('/account/password?done=1')).text).toContain('密码已修改');
    expect((await other.get('/account/password')).status).toBe(303);
    await new PageClient(t.url).signIn(u.email, NEW);
  });

  it('says a wrong current password, a weak one and a mismatch beside their fields, in the page language', async () => {
    const u = await makeUser(t.app.db, { roles: ['expert'] });
    const browser = new PageClient(t.url);
    await browser.signIn(u.email);
    const csrf = PageClient.csrfOf((await browser.get('/account/password')).text);
    const wrong = await browser.post('/account/password', { _csrf: csrf, currentPassword: 'Wrong-password-9', newPassword: NEW, newPasswordConfirm: NEW });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/id="f-currentPassword-error"[^>]*>\s*<span>当前密码不正确<\/span>/);
    expect(wrong.text).not.toContain(NEW);
    const differ = await browser.post('/account/password', { _csrf: csrf, currentPassword: OLD, newPassword: 'short', newPasswordConfirm: 'other' });
    expect(differ.status).toBe(400);
    expect(differ.text).toMatch(/id="f-newPasswordConfirm-error"[^>]*>\s*<span>两次输入的密码不一致<\/span>/);
    expect(differ.text).toMatch(/id="f-newPassword-error"[^>]*>[\s\S]*10/);
    browser.cookies.set('fb_lang', 'en');
    const en = await browser.post('/account/password', { _csrf: csrf, currentPassword: 'Wrong-password-9', newPassword: NEW, newPasswordConfirm: NEW });
    expect(en.text).toMatch(/id="f-currentPassword-error"[^>]*>\s*<span>the current password is wrong<\/span>/);
    await new PageClient(t.url).signIn(u.email, OLD);
  });

  it('refuses the form without its token (403) and sends a visitor to sign in', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const browser = new PageClient(t.url);
    await browser.signIn(u.email);
    expect((await browser.post('/account/password', { currentPassword: OLD, newPassword: NEW, newPasswordConfirm: NEW })).status).toBe(403);
    await new PageClient(t.url).signIn(u.email, OLD);
    const visitor = await new PageClient(t.url).get('/account/password');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toContain('/login');
  });
});

describe('a forgotten password', () => {
  it('is reset from the sign-in page through the emailed link, which then works no more, and ends every session', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const api = await t.api.login(u.email);
    const browser = new PageClient(t.url);
    const login = await browser.get('/login');
    expect(login.text).toMatch(/<a href="\/password\/forgot"[^>]*>忘记密码？<\/a>/);
    const form = await browser.get('/password/forgot');
    const sent = await browser.post('/password/forgot', { _csrf: PageClient.csrfOf(form.text), email: u.email.toUpperCase() });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/password/forgot/sent');
    const [token] = await resetTokensFor(u.email);
    if (!token) throw new Error('no reset link was emailed');
    const page = await browser.get(`/password/reset?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(u.email);
    const csrf = PageClient.csrfOf(page.text);
    const mismatch = await browser.post('/password/reset', { _csrf: csrf, token, password: NEW, passwordConfirm: `${NEW}!` });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('两次输入的密码不一致');
    const weak = await browser.post('/password/reset', { _csrf: csrf, token, password: 'password12', passwordConfirm: 'password12' });
    expect(weak.status).toBe(422);
    const done = await browser.post('/password/reset', { _csrf: csrf, token, password: NEW, passwordConfirm: NEW });
    expect(done.status).toBe(200);
    expect(done.text).toContain('密码已重置');
    expect((await t.api.get('/me', api)).status).toBe(401);
    expect(await liveSessions(u.id)).toBe(0);
    await t.api.login(u.email, NEW);
    expect(await emailsTo(t.app.db, u.email)).toEqual(['account.passwordReset', 'account.passwordChanged']);
    const used = await browser.get(`/password/reset?token=${token}`);
    expect(used.status).toBe(410);
    expect(used.text).toContain('已失效');
    expect(used.text).not.toContain('name="password"');
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Another-wafer-2032' })).status).toBe(410);
  });

  it('answers an unknown, a deactivated and a known address alike, and sends a link to the known one only', async () => {
    const known = await makeUser(t.app.db, { roles: ['municipal'], city: '330200' });
    const off = await makeUser(t.app.db, { roles: ['municipal'], city: '330200', active: false });
    const unknown = `${randomUUID()}@nobody.test`;
    const answers = await Promise.all([known.email, off.email, unknown].map((email) => t.api.post('/auth/password-reset', { email })));
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(a.body).toEqual({ linkMinutes: 60 });
    }
    await runResetRequests(t.app, [known.email, off.email, unknown]);
    expect(await emailsTo(t.app.db, known.email)).toEqual(['account.passwordReset']);
    expect(await emailsTo(t.app.db, off.email)).toEqual([]);
    expect(await emailsTo(t.app.db, unknown)).toEqual([]);
    const browser = new PageClient(t.url);
    const form = await browser.get('/password/forgot');
    const page = await browser.post('/password/forgot', { _csrf: PageClient.csrfOf(form.text), email: unknown });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/password/forgot/sent');
  });

  it('sends an account not yet activated (no password) nothing, and answers it alike', async () => {
    const pending = await makeUser(t.app.db, { roles: ['municipal'], city: '330200', passwordHash: null });
    const res = await t.api.post('/auth/password-reset', { email: pending.email });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ linkMinutes: 60 });
    await runResetRequests(t.app, [pending.email]);
    expect(await emailsTo(t.app.db, pending.email)).toEqual([]);
    expect(await t.app.db.select().from(passwordResets).where(eq(passwordResets.userId, pending.id))).toEqual([]);
  });

  it('sends a link that works for one hour, and records the new password as a reset', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    const asked = Date.now();
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    const [row] = await t.app.db.select().from(passwordResets).where(eq(passwordResets.userId, u.id));
    expect(RESET_LINK_HOURS).toBe(1);
    expect(row?.expiresAt.getTime()).toBeGreaterThanOrEqual(asked + 3_600_000 - 5_000);
    expect(row?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000 + 5_000);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: NEW })).status).toBe(204);
    const [change] = await t.app.db.select().from(userChanges).where(eq(userChanges.userId, u.id));
    expect(change).toMatchObject({ changedBy: u.id, after: { password: 'reset' } });
    // used up, and said so: not merely ended by the change it made
    const [used] = await t.app.db.select().from(passwordResets).where(eq(passwordResets.userId, u.id));
    expect(used?.usedAt).not.toBeNull();
    const again = await t.api.post('/auth/password-reset/confirm', { token, password: 'Another-wafer-2032' });
    expect(again.status).toBe(410);
    expect(JSON.stringify(again.body)).toContain('already used');
  });

  it('gives a deactivated account no working link, even one sent before', async () => {
    const u = await makeUser(t.app.db, { roles: ['finance'] });
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    if (!token) throw new Error('no reset link');
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, u.id));
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: NEW })).status).toBe(410);
    expect((await new PageClient(t.url).get(`/password/reset?token=${token}`)).status).toBe(410);
  });

  it('says an expired or unknown link does not work, and a changed password ends an outstanding link', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    await t.api.post('/auth/password-reset', { email: u.email });
    await t.api.post('/auth/password-reset', { email: u.email });
    const [first, second] = await resetTokensFor(u.email);
    if (!first || !second) throw new Error('no reset links');
    await t.app.db.update(passwordResets).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(passwordResets.tokenHash, hashLinkToken(first)));
    const expired = await new PageClient(t.url).get(`/password/reset?token=${first}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('1 小时');
    const unknown = await new PageClient(t.url).get('/password/reset?token=never-sent');
    expect(unknown.status).toBe(404);
    expect((await t.api.post('/auth/password-reset/confirm', { token: 'never-sent', password: NEW })).status).toBe(404);
    const token = await t.api.login(u.email);
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: NEW }, token)).status).toBe(204);
    expect((await t.api.post('/auth/password-reset/confirm', { token: second, password: 'Another-wafer-2032' })).status).toBe(410);
  });

  it('refuses a weak password through the API with reasons, and the link stays usable', async () => {
    const u = await makeUser(t.app.db, { roles: ['insurer'] });
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    const weak = await t.api.post<{ errors: { path: string }[] }>('/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.body.errors[0]?.path).toBe('password');
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: NEW })).status).toBe(204);
    await t.api.login(u.email, NEW);
  });

  it('sends at most RESETS_PER_ADDRESS_PER_HOUR links to an address, answering past it alike and sending nothing', async () => {
    const u = await makeUser(t.app.db, { roles: ['firm'] });
    for (const email of [u.email, u.email.toUpperCase(), u.email.replace(/^./, (c) => c.toUpperCase())]) {
      for (let i = 0; i < 3; i++) {
        const res = await t.api.post('/auth/password-reset', { email });
        expect(res.status).toBe(202);
        expect(res.body).toEqual({ linkMinutes: 60 });
      }
    }
    expect(await resetTokensFor(u.email)).toHaveLength(RESETS_PER_ADDRESS_PER_HOUR);
    // an unknown address is counted alike: its sixth request writes nothing either
    const unknown = `${randomUUID()}@nobody.test`;
    for (let i = 0; i < RESETS_PER_ADDRESS_PER_HOUR + 1; i++) expect((await t.api.post('/auth/password-reset', { email: unknown })).status).toBe(202);
    expect(await resetRequestsFor(unknown)).toHaveLength(RESETS_PER_ADDRESS_PER_HOUR);
  });

  it('answers without looking the address up: a known and an unknown address get the same outbox row and nothing else until the job runs', async () => {
    const known = await makeUser(t.app.db, { roles: ['finance'] });
    const unknown = `${randomUUID()}@nobody.test`;
    for (const email of [known.email, unknown]) expect((await t.api.post('/auth/password-reset', { email })).status).toBe(202);
    const mine = [...(await resetRequestsFor(known.email.toLowerCase())), ...(await resetRequestsFor(unknown))];
    expect(mine.map((r) => Object.keys(r.payload as object).sort())).toEqual([
      ['email', 'requestId'],
      ['email', 'requestId'],
    ]);
    expect(await t.app.db.select().from(passwordResets).where(eq(passwordResets.userId, known.id))).toEqual([]);
    expect(await emailsTo(t.app.db, known.email)).toEqual([]);
    await runResetRequests(t.app, [known.email, unknown]);
    expect(await emailsTo(t.app.db, known.email)).toEqual(['account.passwordReset']);
    expect(await emailsTo(t.app.db, unknown)).toEqual([]);
    // a job run twice (a worker that died before acknowledging it) sends no second link
    const first = mine[0];
    if (!first) throw new Error('no outbox row');
    const payload = first.payload as { requestId: string; email: string };
    expect(await sendResetLink(t.app, payload.requestId, payload.email)).toBe(false);
    expect(await emailsTo(t.app.db, known.email)).toEqual(['account.passwordReset']);
  });

  it('clears the failed sign-ins of the account once the password is reset, so the client may sign in at once', async () => {
    const u = await makeUser(t.app.db, { roles: ['insurer'] });
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await t.api.post('/auth/login', { email: u.email, password: 'Wrong-password-9' })).status).toBe(401);
    expect((await t.api.post('/auth/login', { email: u.email, password: OLD })).status).toBe(429);
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: NEW })).status).toBe(204);
    expect((await t.api.post('/auth/login', { email: u.email, password: NEW })).status).toBe(200);
  });

  it('refuses the forms without their token (403)', async () => {
    const browser = new PageClient(t.url);
    await browser.get('/password/forgot');
    expect((await browser.post('/password/forgot', { email: 'a@b.test' })).status).toBe(403);
    expect((await browser.post('/password/reset', { token: 'x', password: NEW, passwordConfirm: NEW })).status).toBe(403);
  });
});

describe('requests per client', () => {
  it('are limited like registrations', async () => {
    const limited = await startTestApp({ env: { REGISTRATIONS_PER_HOUR: 2 } });
    try {
      for (let i = 0; i < 2; i++) expect((await limited.api.post('/auth/password-reset', { email: `${randomUUID()}@nobody.test` })).status).toBe(202);
      expect((await limited.api.post('/auth/password-reset', { email: `${randomUUID()}@nobody.test` })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
