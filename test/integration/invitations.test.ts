import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, userInvitations } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { timeWords } from '../../server/domain/date-words';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';

// An invitation goes where a staff member would find it: through the outbox, the mail worker and real SMTP.
let smtp: SmtpSink;
let t: TestApp;
let admin: string;
beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({ workers: true, smtpUrl: smtp.url });
  admin = await t.api.login((await makeUser(t.app.db, { roles: ['admin'] })).email);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

interface Problem {
  status: number;
  detail?: string;
  errors?: { path: string; code?: string; message: string; messageZh?: string }[];
}
interface Detail {
  status: string;
  invitation: { acceptedAt: string | null; revokedAt: string | null } | null;
  changes: { changedBy: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
}

const PASSWORD = 'Invited-2026-wafer';
const accept = (token: string, password = PASSWORD) => t.api.post<Problem & { id: string; roles: string[] }>(`/auth/invitations/${token}`, { password });
const signIn = (email: string, password = PASSWORD) => t.api.post('/auth/login', { email, password });

async function invite(body: Record<string, unknown> = {}) {
  const email = `${randomUUID()}@staff.test`;
  const res = await t.api.post<{ id: string }>('/admin/users', { email, name: '周专家', roles: ['provincial'], ...body }, admin);
  expect(res.status).toBe(201);
  return { id: res.body.id, email };
}

/** The token of the n-th invitation email that reached `email` (1 for the first). */
async function mailedToken(email: string, n = 1): Promise<string> {
  await smtp.waitFor(() => smtp.messages.filter((m) => m.to.includes(email)).length >= n);
  const mail = smtp.messages.filter((m) => m.to.includes(email))[n - 1];
  const token = /invitation\?token=([A-Za-z0-9_-]{40,})/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation link in ${mail?.text}`);
  return token;
}

describe('an invitation by email', () => {
  it('arrives by SMTP in Chinese and English, and its link sets the password once; only then can the account sign in', async () => {
    const { id, email } = await invite({ name: '周专家', roles: ['expert'], organisationUscc: '91330100799655058B', organisationName: '浙江省新材料研究院' });
    const token = await mailedToken(email);
    const mail = smtp.messages.find((m) => m.to.includes(email));
    expect(mail?.subject).toContain('邀请');
    expect(mail?.subject).toContain('You are invited');
    expect(mail?.text).toContain('周专家');
    // each language names the role in its own words
    expect(mail?.text).toContain('角色：专家。');
    expect(mail?.text).toContain('as expert.');
    expect(mail?.text).not.toContain('专家 expert');
    const [row] = await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, id));
    // the link's end as the pages word it, in Beijing time, each language in its own words
    const expires = row?.expiresAt ?? new Date(0);
    expect(mail?.text).toContain(`请在${timeWords(expires, 'zh', true)} 前打开`);
    expect(mail?.text).toMatch(/请在北京时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 前打开/);
    expect(mail?.text).toContain(`before ${timeWords(expires, 'en', true)} to set`);
    expect(mail?.text).toMatch(/before \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(Beijing time\) to set/);
    expect(mail?.messageId).toMatch(/@firstbatch\.local>$/);
    expect((await signIn(email)).status).toBe(401);

    const res = await accept(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, email, roles: ['expert'] });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await t.api.get('/me', await t.api.login(email, PASSWORD))).body).toMatchObject({ id, roles: ['expert'] });

    const again = await accept(token, 'Another-2026-wafer');
    expect(again.status).toBe(410);
    expect(again.body.detail).toContain('already used');
    expect((await signIn(email, 'Another-2026-wafer')).status).toBe(401);

    const shown = await t.api.get<Detail>(`/admin/users/${id}`, admin);
    expect(shown.body).toMatchObject({ status: 'active', invitation: { acceptedAt: expect.any(String), revokedAt: null } });
    expect(shown.body.changes[0]).toMatchObject({ changedBy: id, before: { status: 'invited' }, after: { status: 'active' } });
  });

  it('holds a password to the registration policy, with reasons in English and Chinese, and keeps the link usable', async () => {
    const { email } = await invite();
    const token = await mailedToken(email);
    for (const [password, code] of [
      ['short1A', 'password.too_short'],
      ['aaaaaaaaaaaa', 'password.one_class'],
      [`${email.split('@')[0]}X1`, 'password.contains_email'],
      ['Password123', 'password.common'],
    ] as const) {
      const res = await accept(token, password);
      expect(res.status, password).toBe(422);
      expect(res.body.errors?.[0], password).toMatchObject({ path: 'password', code, messageZh: expect.stringMatching(/密码/) });
    }
    expect((await accept(token)).status).toBe(200);
  });

  it('answers 404 to a link it never sent, and 400 to a body without a password', async () => {
    const res = await accept('made-up-token-made-up-token-made-up-token-00');
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('unknown');
    const { email } = await invite();
    expect((await t.api.post(`/auth/invitations/${await mailedToken(email)}`, {})).status).toBe(400);
    expect((await t.api.post(`/auth/invitations/${'x'.repeat(201)}`, { password: PASSWORD })).status).toBe(400);
  });

  it('works for 72 hours; an older link answers 410 and the account still cannot sign in', async () => {
    const { id, email } = await invite();
    const token = await mailedToken(email);
    const [row] = await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, id));
    expect(Math.abs((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0) - 72 * 3_600_000)).toBeLessThan(1_000);
    await t.app.db.update(userInvitations).set({ expiresAt: new Date(Date.now() - 1_000) }).where(eq(userInvitations.userId, id));
    const res = await accept(token);
    expect(res.status).toBe(410);
    expect(res.body.detail).toContain('expired');
    expect((await signIn(email)).status).toBe(401);
  });

  it('sends a new link on request, and the old one stops working', async () => {
    const { id, email } = await invite();
    const first = await mailedToken(email);
    const resent = await t.api.post<{ email: string; expiresAt: string }>(`/admin/users/${id}/invitation`, {}, admin);
    expect(resent.status).toBe(202);
    expect(resent.body.email).toBe(email);
    const second = await mailedToken(email, 2);
    expect(second).not.toBe(first);
    const old = await accept(first);
    expect(old.status).toBe(410);
    expect(old.body.detail).toContain('withdrawn');
    expect((await accept(second)).status).toBe(200);

    const done = await t.api.post<Problem>(`/admin/users/${id}/invitation`, {}, admin);
    expect(done.status).toBe(409);
    expect(done.body.errors?.[0]).toMatchObject({ code: 'user.invitation_accepted', messageZh: expect.any(String) });
  });

  it("withdraws a deactivated account's link, and invites it again only once reactivated", async () => {
    const { id, email } = await invite();
    const token = await mailedToken(email);
    expect((await t.api.patch(`/admin/users/${id}`, { active: false }, admin)).status).toBe(200);
    expect((await accept(token)).status).toBe(410);
    const refused = await t.api.post<Problem>(`/admin/users/${id}/invitation`, {}, admin);
    expect(refused.status).toBe(409);
    expect(refused.body.errors?.[0]).toMatchObject({ code: 'user.inactive' });
    expect((await t.api.patch(`/admin/users/${id}`, { active: true }, admin)).status).toBe(200);
    expect((await accept(token)).status).toBe(410);
    expect((await t.api.post(`/admin/users/${id}/invitation`, {}, admin)).status).toBe(202);
    expect((await accept(await mailedToken(email, 2))).status).toBe(200);
    expect((await signIn(email)).status).toBe(200);
  });

  it('lets one of two simultaneous uses of a link through', async () => {
    const { email } = await invite();
    const token = await mailedToken(email);
    const results = await Promise.all([accept(token), accept(token, 'Second-2026-wafer')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
  });
});

describe('an invitation email', () => {
  it('is an email only: no in-app notification for the invited account', async () => {
    const { id } = await invite();
    expect(await t.app.db.select().from(notifications).where(eq(notifications.userId, id))).toEqual([]);
  });
});
