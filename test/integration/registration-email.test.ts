import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, randomUscc } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';

// The mailbox is where a registration goes on: through the outbox, the mail worker and real SMTP.
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());
const { t } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url, world: false }));

const PASSWORD = 'Mailbox-2026-wafer';
const registration = (email: string) => ({
  enterprise: {
    name: '邮件确认新材料有限公司',
    uscc: randomUscc('330200'),
    city: '330200',
    address: '宁波市鄞州区测试路 3 号',
    contactName: '孙工',
    contactPhone: '0574-88888888',
    contactEmail: 'sun@firm.test',
    affiliations: [],
  },
  user: { email, password: PASSWORD, name: '孙经理' },
});

describe('registration by email', () => {
  it('mails a free address a link that creates the firm and its first user', async () => {
    const email = `${randomUUID()}@firm.test`;
    const body = registration(email);
    expect((await t.api.post('/enterprises/register', body)).status).toBe(202);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toContain(body.enterprise.uscc);
    const token = /register\/confirm\?token=([A-Za-z0-9_-]{40,})/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    expect((await t.api.post('/enterprises/register/confirm', { token })).status).toBe(201);
    expect((await t.api.get('/me', await t.api.login(email, PASSWORD))).body).toMatchObject({ email, roles: ['firm'] });
  });

  it("answers a staff member's address like a free one and tells its owner, with no link", async () => {
    const staff = await makeUser(t.app.db, { roles: ['provincial'] });
    const free = `${randomUUID()}@firm.test`;
    const [taken, fresh] = [await t.api.post('/enterprises/register', registration(staff.email)), await t.api.post('/enterprises/register', registration(free))];
    expect([taken.status, fresh.status]).toEqual([202, 202]);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const notice = await smtp.waitFor((m) => m.to.includes(staff.email));
    expect(notice.subject).toContain('Someone tried to register a firm with your email address');
    expect(notice.text).not.toContain('token=');
    await smtp.waitFor((m) => m.to.includes(free));
    expect(smtp.messages.filter((m) => m.to.includes(staff.email))).toHaveLength(1);
  });
});
