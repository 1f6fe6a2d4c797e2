import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { emailDeliveries } from '../../db/schema';
import { SettableClock } from '../../server/clock';
import { sendDelivery } from '../../server/mail/send';
import { useTestApp } from '../support/use-app';
import { startSmtpSink } from '../support/smtp';

// A database of its own: this file moves the demo clock, as an administrator does with POST /admin/clock.
const { t, w } = useTestApp({ ownDatabase: true });

describe('a delivery being sent while the demo clock moves on', () => {
  it('is not claimed and sent again by a second sender: the claim lease runs in real time, not on the demo clock', async () => {
    const id = await w.submittedCase();
    const [delivery] = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.toAddress, w.people.firm.email)));
    if (!delivery) throw new Error('no delivery to the firm');
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    const sink = await startSmtpSink({
      beforeAccept: async () => {
        // only the first message is held; a second one, were it sent, would go straight through
        if (arrived) return;
        arrived = true;
        await released;
      },
    });
    const transport = nodemailer.createTransport(sink.url);
    try {
      const first = sendDelivery(t.app, transport, delivery.id, false);
      try {
        await expect.poll(() => arrived, { timeout: 10_000 }).toBe(true);
        // seconds into the send, the administrator moves the demo clock an hour ahead
        await clock.advance(60 * 60_000);
        // what the sweep's requeued job (or any duplicate job) does with the row now
        expect(await sendDelivery(t.app, transport, delivery.id, false)).toBe('skipped');
      } finally {
        release();
      }
      expect(await first).toBe('sent');
      expect(sink.messages.map((m) => m.messageId)).toEqual([delivery.messageId]);
    } finally {
      transport.close();
      await sink.close();
      await clock.set(new Date());
    }
  });
});
