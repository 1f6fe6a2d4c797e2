import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { emailDeliveries } from '../../db/schema';
import { sendDelivery } from '../../server/mail/send';
import { useTestApp } from '../support/use-app';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp';

// No workers here: this file calls the sender itself, one delivery at a time, against sinks that
// hold or refuse the message.
const { t, w } = useTestApp();

async function deliveryToFirm(): Promise<typeof emailDeliveries.$inferSelect> {
  const id = await w.submittedCase();
  const [row] = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.toAddress, w.people.firm.email)));
  if (!row) throw new Error('no delivery to the firm');
  expect(row.status).toBe('pending');
  return row;
}

const rowOf = async (id: string) => (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)))[0];

async function withSink<T>(beforeAccept: (mail: ReceivedMail) => Promise<void>, use: (sink: SmtpSink, transport: Transporter) => Promise<T>): Promise<T> {
  const sink = await startSmtpSink({ beforeAccept });
  const transport = nodemailer.createTransport(sink.url);
  try {
    return await use(sink, transport);
  } finally {
    transport.close();
    await sink.close();
  }
}

describe('sending one delivery', () => {
  it('marks the delivery sent only once the SMTP server accepted it', async () => {
    const delivery = await deliveryToFirm();
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    await withSink(
      async () => {
        arrived = true;
        await released;
      },
      async (sink, transport) => {
        const sending = sendDelivery(t.app, transport, delivery.id, false);
        try {
          await expect.poll(() => arrived, { timeout: 10_000 }).toBe(true);
          // the server holds the message: the sender has not heard back yet
          expect(await rowOf(delivery.id)).toMatchObject({ status: 'sending', sentAt: null, attempts: 1 });
        } finally {
          release();
        }
        expect(await sending).toBe('sent');
        expect(sink.messages.map((m) => m.messageId)).toEqual([delivery.messageId]);
      },
    );
    const sent = await rowOf(delivery.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sent?.sentAt).toBeInstanceOf(Date);
  });

  it('skips a delivery another sender claimed moments ago, so the recipient gets it once', async () => {
    const delivery = await deliveryToFirm();
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    await withSink(
      async () => {
        // only the first message is held; a second one, were it sent, would go straight through
        if (arrived) return;
        arrived = true;
        await released;
      },
      async (sink, transport) => {
        const first = sendDelivery(t.app, transport, delivery.id, false);
        try {
          await expect.poll(() => arrived, { timeout: 10_000 }).toBe(true);
          expect(await sendDelivery(t.app, transport, delivery.id, false)).toBe('skipped');
        } finally {
          release();
        }
        expect(await first).toBe('sent');
        expect(sink.messages.map((m) => m.messageId)).toEqual([delivery.messageId]);
      },
    );
    expect(await rowOf(delivery.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('leaves a refused delivery pending for a retry, and sends it on the retry', async () => {
    const delivery = await deliveryToFirm();
    const before = t.app.clock.now().getTime();
    await withSink(
      () => Promise.reject(new Error('mailbox unavailable')),
      async (sink, transport) => {
        await expect(sendDelivery(t.app, transport, delivery.id, false)).rejects.toThrow(/mailbox unavailable/);
        expect(sink.messages).toEqual([]);
      },
    );
    const refused = await rowOf(delivery.id);
    expect(refused).toMatchObject({ status: 'pending', sentAt: null, claimedAt: null, attempts: 1 });
    expect(refused?.lastError).toMatch(/mailbox unavailable/);
    // the queue retries after 2 s; the row says so, for the sweep that catches lost jobs
    expect(refused?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 2_000);

    await withSink(
      () => Promise.resolve(),
      async (sink, transport) => {
        expect(await sendDelivery(t.app, transport, delivery.id, false, 1)).toBe('sent');
        expect(sink.messages.map((m) => m.messageId)).toEqual([delivery.messageId]);
      },
    );
    expect(await rowOf(delivery.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('marks a delivery failed when its last try is refused', async () => {
    const delivery = await deliveryToFirm();
    await withSink(
      () => Promise.reject(new Error('mailbox unavailable')),
      async (_sink, transport) => {
        await expect(sendDelivery(t.app, transport, delivery.id, true)).rejects.toThrow(/mailbox unavailable/);
      },
    );
    expect(await rowOf(delivery.id)).toMatchObject({ status: 'failed', sentAt: null, claimedAt: null, attempts: 1 });
  });
});
