import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailDeliveries, users } from '../../db/schema';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// A registered firm's user invites a colleague to the firm (the second account registration refuses),
// through the staff invitation's link and accept step; the answer never tells whether an address has an account.
const { t, w } = useTestApp();

const PASSWORD = 'Colleague-2026-wafer';
interface Accounts {
  accounts: { id: string; name: string; email: string; active: boolean }[];
  invitations: { name: string; email: string; invitedBy: string }[];
}

async function deliveries(email: string, template: string) {
  return t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.toAddress, email), eq(emailDeliveries.template, template)));
}
const tokenOf = (link: string | undefined) => /invitation\?token=([A-Za-z0-9_-]{40,})/.exec(link ?? '')?.[1] ?? '';

describe('a firm user inviting a colleague', () => {
  it('opens an account of the firm that signs in once the emailed link set its password, and lists it', async () => {
    const { enterprise, user, token } = await w.makeFirm();
    const email = `${randomUUID()}@colleague.test`;
    const res = await t.api.post<{ email: string; expiresAt: string }>(`/enterprises/${enterprise.id}/invitations`, { name: '孙同事', email }, token);
    expect(res.status).toBe(202);
    expect(res.body.email).toBe(email);
    const pending = await t.api.get<Accounts>(`/enterprises/${enterprise.id}/users`, token);
    expect(pending.status).toBe(200);
    expect(pending.body.accounts.map((a) => a.email)).toEqual([user.email]);
    expect(pending.body.invitations).toMatchObject([{ name: '孙同事', email, invitedBy: user.name }]);

    const [mail] = await deliveries(email, 'firm.invitation');
    expect(mail?.data).toMatchObject({ firmName: enterprise.name, inviterName: user.name, name: '孙同事' });
    expect((await t.api.post('/auth/login', { email, password: PASSWORD })).status).toBe(401);
    const accepted = await t.api.post<{ roles: string[] }>(`/auth/invitations/${tokenOf(mail?.data.link)}`, { password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.roles).toEqual(['firm']);
    const [row] = await t.app.db.select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ enterpriseId: enterprise.id, roles: ['firm'] });

    // the colleague signs in and reads the firm's own profile and applications as a firm user
    const theirs = await t.api.login(email, PASSWORD);
    expect((await t.api.get(`/enterprises/${enterprise.id}`, theirs)).status).toBe(200);
    const after = await t.api.get<Accounts>(`/enterprises/${enterprise.id}/users`, theirs);
    expect(after.body.accounts.map((a) => a.email).sort()).toEqual([user.email, email].sort());
    expect(after.body.invitations).toEqual([]);
  });

  it('answers an address that already has an account as a free one, tells its owner instead, and opens nothing', async () => {
    const { enterprise, token } = await w.makeFirm();
    const taken = w.people.otherFirm.email;
    const res = await t.api.post<{ email: string }>(`/enterprises/${enterprise.id}/invitations`, { name: '冒名', email: taken }, token);
    expect(res.status).toBe(202);
    expect(res.body.email).toBe(taken);
    const [notice] = await deliveries(taken, 'firm.invitationEmailTaken');
    expect(notice?.data).toMatchObject({ firmName: enterprise.name });
    expect(await deliveries(taken, 'firm.invitation')).toEqual([]);
    const [row] = await t.app.db.select().from(users).where(eq(users.email, taken));
    expect(row?.enterpriseId).toBe(w.otherFirm.id);
    // listed as pending like any invitation: the list does not tell that the address has an account
    const list = await t.api.get<Accounts>(`/enterprises/${enterprise.id}/users`, token);
    expect(list.body.invitations.map((i) => i.email)).toEqual([taken]);
  });

  it("refuses another firm's user (404), the firm's reviewers (403), other staff (404) and the anonymous (401)", async () => {
    const { enterprise } = await w.makeFirm();
    const body = { name: '外人', email: `${randomUUID()}@colleague.test` };
    for (const [who, status] of [['otherFirm', 404], ['municipal', 403], ['provincial', 403], ['finance', 404], ['admin', 404]] as const) {
      expect((await t.api.post(`/enterprises/${enterprise.id}/invitations`, body, w.tokens[who])).status, who).toBe(status);
      expect((await t.api.get(`/enterprises/${enterprise.id}/users`, w.tokens[who])).status, who).toBe(status);
    }
    expect((await t.api.post(`/enterprises/${enterprise.id}/invitations`, body)).status).toBe(401);
    expect((await t.api.get(`/enterprises/${enterprise.id}/users`)).status).toBe(401);
    expect(await t.app.db.select().from(users).where(eq(users.email, body.email))).toEqual([]);
  });

  it('is offered on /firm, keeps what was typed when refused, and lists the invitation', async () => {
    const { enterprise, user } = await w.makeFirm();
    const b = new PageClient(t.url);
    await b.signIn(user.email);
    const page = await b.get(`/firm/${enterprise.id}`);
    expect(page.text).toContain('本企业账号');
    expect(page.text).toContain(user.email);
    const bad = await b.post(`/firm/${enterprise.id}/invitations`, { _csrf: PageClient.csrfOf(page.text), name: '钱同事', email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="钱同事"');
    const email = `${randomUUID()}@colleague.test`;
    const sent = await b.post(`/firm/${enterprise.id}/invitations`, { _csrf: PageClient.csrfOf(page.text), name: '钱同事', email });
    expect(sent.status).toBe(303);
    const after = await b.get(sent.headers.get('location') ?? '');
    expect(after.text).toContain('邀请已发出');
    expect(after.text).toContain(email);
    expect(after.text).toContain('已邀请');
  });

  it('points a second registration of the firm to the invitation', async () => {
    const { enterprise } = await w.makeFirm();
    const res = await t.api.post<{ errors: { code: string; messageZh: string }[] }>('/enterprises/register', {
      enterprise: { name: '重复注册', uscc: enterprise.uscc, city: '330100', address: '杭州', contactName: '李', contactPhone: '13800000000', contactEmail: 'x@example.test', affiliations: [] },
      user: { email: `${randomUUID()}@colleague.test`, password: PASSWORD, name: '李' },
    });
    expect(res.status).toBe(409);
    expect(res.body.errors[0]?.messageZh).toContain('本企业账号');
  });
});
