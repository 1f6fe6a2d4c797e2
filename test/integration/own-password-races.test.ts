import { describe, expect, it } from 'vitest';
import { makeUser } from '../../seeds/factories';
import { resetTokensFor as resetTokensOf } from '../support/password-resets';
import { useTestApp } from '../support/use-app';

// What a password or a profile must keep when two things happen to it at about the same time, or
// when an account is switched off and on again (found by trying the running server as a stranger).
const { t, w } = useTestApp();

const OLD = 'Test-password-1';

const resetTokensFor = (email: string) => resetTokensOf(t.app, email);

describe('a reset link', () => {
  it('sent before the account was deactivated stays dead once an administrator activates it again (410)', async () => {
    const u = await makeUser(t.app.db, { roles: ['finance'] });
    expect((await t.api.post('/auth/password-reset', { email: u.email })).status).toBe(202);
    const [token] = await resetTokensFor(u.email);
    if (!token) throw new Error('no reset link');
    expect((await t.api.patch(`/admin/users/${u.id}`, { active: false }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Granite-wafer-2031' })).status).toBe(410);
    expect((await t.api.patch(`/admin/users/${u.id}`, { active: true }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Granite-wafer-2031' })).status).toBe(410);
    await t.api.login(u.email, OLD);
  });

  it('sent to an address an administrator has since replaced no longer works (410)', async () => {
    const u = await makeUser(t.app.db, { roles: ['finance'] });
    expect((await t.api.post('/auth/password-reset', { email: u.email })).status).toBe(202);
    const [token] = await resetTokensFor(u.email);
    if (!token) throw new Error('no reset link');
    expect((await t.api.patch(`/admin/users/${u.id}`, { email: `moved-${u.email}` }, w.tokens.admin)).status).toBe(200);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Granite-wafer-2031' })).status).toBe(410);
    await t.api.login(`moved-${u.email}`, OLD);
  });

  it('is not undone by a change made at the same time from a session the reset ends: exactly one of the two is made', async () => {
    const u = await makeUser(t.app.db, { roles: ['finance'] });
    const intruder = await t.api.login(u.email);
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    if (!token) throw new Error('no reset link');
    const [reset, change] = await Promise.all([
      t.api.post('/auth/password-reset/confirm', { token, password: 'Owner-wafer-2031' }),
      t.api.post('/me/password', { currentPassword: OLD, newPassword: 'Intruder-wafer-2031' }, intruder),
    ]);
    expect([reset.status, change.status].filter((s) => s === 204)).toHaveLength(1);
    if (reset.status === 204) {
      expect([401, 422]).toContain(change.status);
      expect((await t.api.post('/auth/login', { email: u.email, password: 'Owner-wafer-2031' })).status).toBe(200);
    } else {
      expect(reset.status).toBe(410);
      expect((await t.api.post('/auth/login', { email: u.email, password: 'Intruder-wafer-2031' })).status).toBe(200);
    }
  });
});

describe('a change of one\'s own password', () => {
  it('from a session a reset has ended is refused (401), even with the old password that was right when it was checked', async () => {
    const u = await makeUser(t.app.db, { roles: ['finance'] });
    const intruder = await t.api.login(u.email);
    await t.api.post('/auth/password-reset', { email: u.email });
    const [token] = await resetTokensFor(u.email);
    expect((await t.api.post('/auth/password-reset/confirm', { token, password: 'Owner-wafer-2031' })).status).toBe(204);
    expect((await t.api.post('/me/password', { currentPassword: OLD, newPassword: 'Intruder-wafer-2031' }, intruder)).status).toBe(401);
    await t.api.login(u.email, 'Owner-wafer-2031');
  });
});

describe('two changes of one password at once', () => {
  it('from two sessions with the same current password: exactly one is made, the other is refused', async () => {
    const u = await makeUser(t.app.db, { roles: ['municipal'], city: '330100' });
    const [a, b] = [await t.api.login(u.email), await t.api.login(u.email)];
    const answers = await Promise.all([
      t.api.post('/me/password', { currentPassword: OLD, newPassword: 'Alpha-wafer-2031' }, a),
      t.api.post('/me/password', { currentPassword: OLD, newPassword: 'Bravo-wafer-2031' }, b),
    ]);
    expect(answers.filter((r) => r.status === 204)).toHaveLength(1);
    // the one told 204 signs in with the password it set
    const winner = answers[0]?.status === 204 ? 'Alpha-wafer-2031' : 'Bravo-wafer-2031';
    expect((await t.api.post('/auth/login', { email: u.email, password: winner })).status).toBe(200);
  });
});
