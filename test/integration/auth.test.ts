import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema';
import { makeEnterprise, makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

const { t } = useTestApp({ world: false });
// the app trusts a loopback proxy, so a test can speak for any client address
const from = (address: string) => ({ 'X-Forwarded-For': address });

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

  it('answers 429 with Retry-After to an address after its repeated failed sign-ins, even with the right password', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    for (let i = 0; i < 5; i++) expect((await t.api.post('/auth/login', { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    const blocked = await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' });
    expect(blocked.status).toBe(429);
    // seconds, not minutes: the lock lasts the rest of the 15-minute window
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(600);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
  });

  it('counts every one of 60 concurrent wrong passwords: 5 are checked, the others refused', async () => {
    const user = await makeUser(t.app.db, { roles: ['provincial'] });
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => t.api.post('/auth/login', { email: user.email, password: `wrong-${i}` })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(55);
    expect(burst.filter((r) => r.status === 429).every((r) => Number(r.headers.get('retry-after')) > 0)).toBe(true);
  });

  it("does not let a stranger's failures lock the owner out", async () => {
    const user = await makeUser(t.app.db, { roles: ['admin'] });
    for (let i = 0; i < 5; i++) expect((await t.api.post('/auth/login', { email: user.email, password: `guess-${i}` }, undefined, from('203.0.113.7'))).status).toBe(401);
    expect((await t.api.post('/auth/login', { email: user.email, password: 'guess-5' }, undefined, from('203.0.113.7'))).status).toBe(429);
    expect((await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' }, undefined, from('198.51.100.20'))).status).toBe(200);
  });

  it('stops guessing spread over many addresses, yet lets the owner in from a clean one', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    const guess = (address: string, i: number) => t.api.post('/auth/login', { email: user.email, password: `spread-${i}` }, undefined, from(address));
    // 10 addresses × 5 failures reach the account's ceiling of 50
    const spread = await Promise.all(
      Array.from({ length: 10 }, async (_, a) => {
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await guess(`203.0.113.${a + 1}`, i)).status);
        return statuses;
      }),
    );
    expect(spread.flat().filter((s) => s !== 401)).toEqual([]);
    // a new address gets one try; having failed, it meets the ceiling at once instead of after five
    expect((await guess('203.0.113.100', 0)).status).toBe(401);
    expect((await guess('203.0.113.100', 1)).status).toBe(429);
    expect((await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' }, undefined, from('198.51.100.30'))).status).toBe(200);
  });

  it('counts the addresses of one IPv6 /64 as one client, and a different /64 as another', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    const guess = (address: string, i: number) => t.api.post('/auth/login', { email: user.email, password: `v6-${i}` }, undefined, from(address));
    const statuses = [];
    for (let i = 1; i <= 8; i++) statuses.push((await guess(`2001:db8:1:2::${i}`, i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await guess('2001:db8:1:2:ffff:ffff:ffff:ffff', 9)).status).toBe(429);
    expect((await t.api.post('/auth/login', { email: user.email, password: 'Test-password-1' }, undefined, from('2001:db8:1:3::1'))).status).toBe(200);
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address it carries', async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'] });
    for (let i = 0; i < 5; i++) expect((await t.api.post('/auth/login', { email: user.email, password: `m-${i}` }, undefined, from('198.51.100.77'))).status).toBe(401);
    expect((await t.api.post('/auth/login', { email: user.email, password: 'm-5' }, undefined, from('::ffff:198.51.100.77'))).status).toBe(429);
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

  it('reads the bearer scheme in any letter case, as HTTP auth schemes are', async () => {
    const user = await makeUser(t.app.db, { roles: ['expert'] });
    const token = await t.api.login(user.email);
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await t.api.request('GET', '/me', { headers: { authorization: `${scheme} ${token}` } });
      expect(res.status, scheme).toBe(200);
    }
    expect((await t.api.request('GET', '/me', { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
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

  it('keeps a session for seven days from sign-in', async () => {
    const user = await makeUser(t.app.db, { roles: ['expert'] });
    const before = Date.now();
    const token = await t.api.login(user.email);
    const [row] = await t.app.db.select().from(sessions).where(eq(sessions.userId, user.id));
    const week = 7 * 86_400_000;
    expect(Math.abs((row?.expiresAt.getTime() ?? 0) - (before + week))).toBeLessThan(60_000);
    // as if signed in six days ago: still a day to go
    const sixDays = 6 * 86_400_000;
    await t.app.db
      .update(sessions)
      .set({ createdAt: new Date(before - sixDays), expiresAt: new Date((row?.expiresAt.getTime() ?? 0) - sixDays) })
      .where(eq(sessions.userId, user.id));
    expect((await t.api.get('/me', token)).status).toBe(200);
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
