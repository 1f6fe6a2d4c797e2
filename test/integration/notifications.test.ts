import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import { emailDeliveries, outbox, users } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
import { relayOnce } from '../../server/jobs/relay';
import { sendDelivery } from '../../server/mail/send';
import { dispatcher } from '../../server/jobs/registry';
import { requeueStuckDeliveries } from '../../server/mail/requeue';
import { QUEUE_NAMES, workerConnection } from '../../server/jobs/queues';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

describe('email through the outbox, with workers running', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => smtp.close());
  const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url }));

  it("delivers the submission email to the firm and the city reviewers with the delivery Message-ID, and the policy's check to the insurer", async () => {
    const id = await w.submittedCase();
    const deliveries = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    const toFirm = deliveries.find((d) => d.toAddress === w.people.firm.email);
    expect(toFirm?.template).toBe('case.submitted');
    const submitted = deliveries.filter((d) => d.template === 'case.submitted');
    expect(submitted.map((d) => d.toAddress).sort()).toEqual([w.people.firm.email, w.people.municipal.email, w.people.municipal2.email].sort());
    expect(deliveries.filter((d) => d.template !== 'case.submitted').map((d) => [d.template, d.toAddress])).toEqual([['case.policyToVerify', w.people.insurer.email]]);
    const mail = await smtp.waitFor((m) => m.to.includes(w.people.firm.email) && m.messageId === toFirm?.messageId);
    expect(mail.subject).toContain('已提交');
    expect(mail.text).toContain(`/cases/${id}`);
    await expect.poll(async () => (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, toFirm?.id ?? ''))).at(0)?.status).toBe('sent');
  });

  it('shows the in-app notification to the city reviewer, and to nobody it was not meant for', async () => {
    const id = await w.submittedCase();
    const res = await t.api.get<{ items: { caseId: string; template: string }[] }>('/notifications', w.tokens.municipal);
    expect(res.body.items).toContainEqual(expect.objectContaining({ caseId: id, template: 'case.submitted' }));
    // the case's insurer hears of the policy to verify, not of the submission
    const insurer = await t.api.get<{ items: { caseId: string; template: string }[] }>('/notifications', w.tokens.insurer);
    expect(insurer.body.items.filter((n) => n.caseId === id).map((n) => n.template)).toEqual(['case.policyToVerify']);
    for (const role of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'admin', 'finance'] as const) {
      const other = await t.api.get<{ items: { caseId: string }[] }>('/notifications', w.tokens[role]);
      expect(other.body.items.map((n) => n.caseId), role).not.toContain(id);
    }
    expect((await t.api.get('/notifications')).status).toBe(401);
  });
});

describe('who an event writes to, and what it says', () => {
  const { t, w } = useTestApp();
  const deliveriesOf = (caseId: string) => t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, caseId));

  it('quotes the reason of a withdrawal in its email', async () => {
    const id = await w.submittedCase();
    const reason = `产品已停产，撤回申请 ${id.slice(0, 8)}`;
    expect((await t.api.post(`/cases/${id}/events`, { type: 'WITHDRAW', reason }, w.tokens.firm)).status).toBe(200);
    const withdrawn = (await deliveriesOf(id)).filter((d) => d.template === 'case.withdrawn');
    expect(withdrawn.length).toBeGreaterThan(0);
    for (const d of withdrawn) expect(JSON.stringify(d.data), d.toAddress).toContain(reason);
  });

  it('writes to no deactivated city reviewer', async () => {
    const gone = await makeUser(t.app.db, { roles: ['municipal'], city: '330100' });
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    const id = await w.submittedCase();
    const to = (await deliveriesOf(id)).map((d) => d.toAddress);
    expect(to).toContain(w.people.municipal.email);
    expect(to).not.toContain(gone.email);
  });
});

describe('a relay that dies between enqueue and marking', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => smtp.close());
  const { t, w } = useTestApp(() => ({ ownDatabase: true, smtpUrl: smtp.url }));

  it('still sends exactly one email per delivery when run again', async () => {
    const id = await w.submittedCase();
    const crash = new Error('relay killed');
    await expect(relayOnce(t.app, { afterEnqueue: () => Promise.reject(crash) })).rejects.toBe(crash);
    const pending = await t.app.db.select().from(outbox).where(isNull(outbox.enqueuedAt));
    expect(pending.length).toBeGreaterThan(0);
    expect(await relayOnce(t.app)).toBe(pending.length);
    // the emails found together left as one job, and the second relay added that same job again, which the queue ignored
    const emailRows = pending.filter((r) => r.topic === 'email').map((r) => (r.payload as { deliveryId: string }).deliveryId);
    expect(emailRows.length).toBeGreaterThan(1);
    const queued = await t.app.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(queued.map((j) => ({ name: j.name, ids: [...(j.data as { deliveryIds: string[] }).deliveryIds].sort() }))).toEqual([{ name: 'sendMany', ids: [...emailRows].sort() }]);

    const transport = nodemailer.createTransport(t.app.env.SMTP_URL);
    const connection = workerConnection(t.app.env.REDIS_URL);
    const worker = new Worker(QUEUE_NAMES.notifications, dispatcher('notifications', { app: t.app, transport }), {
      connection,
      prefix: t.app.env.QUEUE_PREFIX,
    });
    try {
      const deliveries = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
      await expect
        .poll(async () => (await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.status, 'sent')))).length, { timeout: 15_000 })
        .toBe(deliveries.length);
      // give a duplicate job time to show itself, then count what the SMTP server received
      await new Promise((r) => setTimeout(r, 500));
      for (const d of deliveries) expect(smtp.messages.filter((m) => m.messageId === d.messageId)).toHaveLength(1);
      // a consumer handed the same delivery again re-checks Postgres and does not send
      expect(await sendDelivery(t.app, transport, deliveries[0]?.id ?? '', false)).toBe('skipped');
    } finally {
      await worker.close();
      connection.disconnect();
      transport.close();
    }
  });

  it('gives the emails a relay finds besides a set it had enqueued a job of their own, and sends each once', async () => {
    const first = await w.submittedCase();
    const crash = new Error('relay killed');
    await expect(relayOnce(t.app, { afterEnqueue: () => Promise.reject(crash) })).rejects.toBe(crash);
    // meanwhile another transaction wrote emails: the next relay finds the old set and the new rows together
    const second = await w.submittedCase();
    const pending = await t.app.db.select().from(outbox).where(isNull(outbox.enqueuedAt));
    expect(await relayOnce(t.app)).toBe(pending.length);
    const emailRows = pending.filter((r) => r.topic === 'email').map((r) => (r.payload as { deliveryId: string }).deliveryId);
    const deliveries = await t.app.db.select().from(emailDeliveries).where(inArray(emailDeliveries.ownerId, [first, second]));
    expect([...emailRows].sort()).toEqual(deliveries.map((d) => d.id).sort());
    // the crashed relay's job and the new one, which holds every email the second relay found
    const queued = await t.app.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(queued.map((j) => (j.data as { deliveryIds: string[] }).deliveryIds.length).sort((a, b) => a - b)).toEqual(
      [emailRows.length - deliveries.filter((d) => d.ownerId === second).length, emailRows.length],
    );

    const transport = nodemailer.createTransport(t.app.env.SMTP_URL);
    const connection = workerConnection(t.app.env.REDIS_URL);
    const worker = new Worker(QUEUE_NAMES.notifications, dispatcher('notifications', { app: t.app, transport }), {
      connection,
      prefix: t.app.env.QUEUE_PREFIX,
    });
    try {
      await expect
        .poll(async () => (await t.app.db.select().from(emailDeliveries).where(and(inArray(emailDeliveries.ownerId, [first, second]), eq(emailDeliveries.status, 'sent')))).length, { timeout: 15_000 })
        .toBe(deliveries.length);
      // give a duplicate job time to show itself, then count what the SMTP server received
      await new Promise((r) => setTimeout(r, 500));
      for (const d of deliveries) expect(smtp.messages.filter((m) => m.messageId === d.messageId)).toHaveLength(1);
    } finally {
      await worker.close();
      connection.disconnect();
      transport.close();
    }
  });
});

describe('a sender that dies after claiming a delivery', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => smtp.close());
  const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url }));

  it('has its delivery queued again by the sweep once the claim is stale, and sent once', async () => {
    const id = await w.submittedCase();
    const deliveries = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    // wait for the normal sends, then pretend one of them died after its claim, before SMTP
    for (const d of deliveries) await smtp.waitFor((m) => m.messageId === d.messageId);
    const victim = deliveries[0];
    if (!victim) throw new Error('no delivery');
    await t.app.db
      .update(emailDeliveries)
      .set({ status: 'sending', claimedAt: new Date(t.app.clock.now().getTime() - 6 * 60_000) })
      .where(eq(emailDeliveries.id, victim.id));
    expect(await requeueStuckDeliveries(t.app)).toBe(1);
    await expect.poll(() => smtp.messages.filter((m) => m.messageId === victim.messageId).length, { timeout: 15_000 }).toBe(2);
    await expect.poll(async () => (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, victim.id)))[0]?.status).toBe('sent');
    // once sent it is not picked up again
    expect(await requeueStuckDeliveries(t.app)).toBe(0);
  });
});
