import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema';
import { makeEnterprise, makeUser } from '../../seeds/factories';
import { startTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('POST /auth/login', () => {
  it('signs in with email and password and returns a token and the user', async () => {
    const firm = await makeEnterprise(t.app.db);
    const user = await makeUser(t.app.db, { roles: ['firm'], enterpriseId: firm.id });
    const res = await t.api.post<{ token: string; user: Record<string, unknown> }>('/auth/login', { email: user.email.toUpperCase(), password: 'Test-password-1' });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(res.body.user).toEqual({ id: user.id, email: user.email, name: user.name, roles: ['firm'], enterpriseId: firm.id });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('fb_session=');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('answers 401 for a wrong password and for an unknown email, with the same words', async () => {
    const user = await makeUser(t.app.db, { roles: ['provincial'] });
    const wrong = await t.api.post('/auth/login', { email: user.email, password: 'not-the-password' });
    const unknown = await t.api.post('/auth/login', { email: `nobody-${user.id}@example.test`, password: 'whatever-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('answers 429 with Retry-After after repeated failed sign-ins, even with the right password', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    for (let i = 0; i < 5; i++) expect((await t.api.post('/auth/login', { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    const blocked = await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a malformed body with 400 and the reasons', async () => {
    const res = await t.api.post<{ errors: { path: string }[] }>('/auth/login', { email: 'not-an-email', password: 12 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path).sort()).toEqual(['email', 'password']);
  });
});

describe('sessions', () => {
  it('accepts the token as a bearer header and as the session cookie', async () => {
    const user = await makeUser(t.app.db, { roles: ['municipal'], city: '330300' });
    const token = await t.api.login(user.email);
    expect((await t.api.get('/me', token)).body).toMatchObject({ id: user.id, roles: ['municipal'], city: '330300' });
    const viaCookie = await t.api.request('GET', '/me', { headers: { cookie: `fb_session=${token}` } });
    expect(viaCookie.status).toBe(200);
  });

  it('revokes the session on logout', async () => {
    const user = await makeUser(t.app.db, { roles: ['expert'] });
    const token = await t.api.login(user.email);
    expect((await t.api.post('/auth/logout', {}, token)).status).toBe(204);
    expect((await t.api.get('/me', token)).status).toBe(401);
  });

  it('answers 401 to GET /me without a token or with a made-up one', async () => {
    expect((await t.api.get('/me')).status).toBe(401);
    expect((await t.api.get('/me', 'made-up-token')).status).toBe(401);
    expect((await t.api.post('/auth/logout', {})).status).toBe(401);
  });

  it('answers 401 to a token whose session has expired', async () => {
    const user = await makeUser(t.app.db, { roles: ['provincial'] });
    const token = await t.api.login(user.email);
    expect((await t.api.get('/me', token)).status).toBe(200);
    // a second before now on the machine's clock: sessions do not follow the settable one
    await t.app.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, user.id));
    expect((await t.api.get('/me', token)).status).toBe(401);
    expect((await t.api.get('/cases', token)).status).toBe(401);
  });

  it('stops honouring the tokens a user already holds once the account is deactivated', async () => {
    const user = await makeUser(t.app.db, { roles: ['municipal'], city: '330100' });
    const token = await t.api.login(user.email);
    expect((await t.api.get('/me', token)).status).toBe(200);
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect((await t.api.get('/me', token)).status).toBe(401);
    expect((await t.api.get('/cases', token)).status).toBe(401);
  });

  it('refuses a deactivated account', async () => {
    const user = await makeUser(t.app.db, { roles: ['insurer'], active: false });
    expect((await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' })).status).toBe(401);
  });
});
