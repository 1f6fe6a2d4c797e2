import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import net, { type AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { emailDeliveries } from '../../db/schema';
import { DeliveriesRefusedError, SmtpUnreachableError, sendDeliveries, sendDelivery } from '../../server/mail/send';
import { useTestApp } from '../support/use-app';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp';
import { clockBack } from '../support/journeys';
import { SettableClock } from '../../server/clock';

// No workers here: this file calls the sender itself, one delivery at a time, against sinks that
// hold or refuse the message. It moves the demo clock, which every app on a database reads: a
// database of its own.
const { t, w } = useTestApp({ ownDatabase: true });

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

describe('sending the deliveries of one job together', () => {
  it('sends what is pending, leaves a refused one pending with its error, and the next try sends only that one', async () => {
    const [a, b, c] = [await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b || !c) throw new Error('three deliveries');
    // one of them was sent already (by a duplicate job): it is not claimed or sent again
    await t.app.db.update(emailDeliveries).set({ status: 'sent', sentAt: new Date() }).where(eq(emailDeliveries.id, c.id));
    await withSink(
      (mail) => (mail.messageId === b.messageId ? Promise.reject(new Error('mailbox unavailable')) : Promise.resolve()),
      async (sink, transport) => {
        const refused = await sendDeliveries(t.app, transport, [a.id, b.id, c.id], false).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(DeliveriesRefusedError);
        expect((refused as DeliveriesRefusedError).refused.map((r) => r.id)).toEqual([b.id]);
        // the job's log line (pino's error serializer copies enumerable fields) gets the count and the reason, not the list
        expect(Object.keys(refused as object)).not.toContain('refused');
        expect((refused as Error).message).toMatch(/^1 delivery\(ies\) refused, 1 sent: .*mailbox unavailable/);
        expect(sink.messages.map((m) => m.messageId)).toEqual([a.messageId]);
      },
    );
    expect(await rowOf(a.id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(await rowOf(b.id)).toMatchObject({ status: 'pending', attempts: 1, claimedAt: null, sentAt: null });
    expect((await rowOf(b.id))?.lastError).toMatch(/mailbox unavailable/);
    expect(await rowOf(c.id)).toMatchObject({ status: 'sent', attempts: 0 });

    await withSink(
      () => Promise.resolve(),
      async (sink, transport) => {
        expect(await sendDeliveries(t.app, transport, [a.id, b.id, c.id], false, 1)).toEqual(['skipped', 'sent', 'skipped']);
        expect(sink.messages.map((m) => m.messageId)).toEqual([b.messageId]);
      },
    );
    expect(await rowOf(b.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('marks an accepted delivery sent within a second or two while another of the job is still out, so that it is never sent again', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await withSink(
      async (mail) => {
        if (mail.messageId === b.messageId) await released;
      },
      async (sink, transport) => {
        const sending = sendDeliveries(t.app, transport, [a.id, b.id], false);
        try {
          await expect.poll(async () => (await rowOf(a.id))?.status, { timeout: 5_000, interval: 100 }).toBe('sent');
          expect(await rowOf(b.id)).toMatchObject({ status: 'sending' });
        } finally {
          release();
        }
        expect(await sending).toEqual(['sent', 'sent']);
        expect(sink.messages.map((m) => m.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
      },
    );
    expect(await rowOf(b.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('marks every refused delivery failed on the last try, and the accepted ones sent', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    await withSink(
      (mail) => (mail.messageId === a.messageId ? Promise.reject(new Error('mailbox unavailable')) : Promise.resolve()),
      async (_sink, transport) => {
        await expect(sendDeliveries(t.app, transport, [a.id, b.id], true)).rejects.toBeInstanceOf(DeliveriesRefusedError);
      },
    );
    expect(await rowOf(a.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await rowOf(b.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('counts every delivery of the job the SMTP server accepted as sent', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    const sentCount = async () => (await t.app.metrics.emails.get()).values.find((v) => v.labels.outcome === 'sent')?.value ?? 0;
    const before = await sentCount();
    await withSink(
      () => Promise.resolve(),
      async (_sink, transport) => {
        expect(await sendDeliveries(t.app, transport, [a.id, b.id], false)).toEqual(['sent', 'sent']);
      },
    );
    expect((await sentCount()) - before).toBe(2);
  });
});

describe('the claims and marks of a job whose messages take long', () => {
  it('renews the claim of a message still waiting to be accepted, so that no sweep takes it for lost', async () => {
    const [a] = [await deliveryToFirm()];
    if (!a) throw new Error('a delivery');
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await withSink(
      () => released,
      async (_sink, transport) => {
        const sending = sendDeliveries(t.app, transport, [a.id], false, 0, { renewEveryMs: 200 });
        try {
          await expect.poll(async () => (await rowOf(a.id))?.status, { timeout: 5_000, interval: 50 }).toBe('sending');
          const first = (await rowOf(a.id))?.claimedAt?.getTime() ?? 0;
          await expect.poll(async () => (await rowOf(a.id))?.claimedAt?.getTime() ?? 0, { timeout: 5_000, interval: 100 }).toBeGreaterThan(first);
        } finally {
          release();
        }
        expect(await sending).toEqual(['sent']);
      },
    );
  });

  it('marks an accepted message sent even when the connection is cut under the mark', async () => {
    const a = await deliveryToFirm();
    const url = new URL(t.app.env.DATABASE_URL);
    const holder = postgres(url.toString(), { max: 1, onnotice: () => undefined });
    const admin = postgres(url.toString(), { max: 1, onnotice: () => undefined });
    let unlock = () => {};
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let holding: Promise<unknown> = Promise.resolve();
    try {
      await withSink(
        async () => {
          // once the row is claimed and the message is at the server: the row's lock is taken, so
          // that the mark waits where it can be cut
          let locked = () => {};
          const isLocked = new Promise<void>((resolve) => (locked = resolve));
          holding = holder.begin(async (h) => {
            await h`select 1 from email_deliveries where id = ${a.id} for update`;
            locked();
            await unlocked;
          });
          await isLocked;
        },
        async (sink, transport) => {
          const sending = sendDeliveries(t.app, transport, [a.id], false);
          const waiting = async () =>
            (await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "email_deliveries" set "status"%'`)[0]?.pid;
          await expect.poll(waiting, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
          await admin`select pg_terminate_backend(${(await waiting()) ?? 0})`;
          unlock();
          expect(await sending).toEqual(['sent']);
          expect(sink.messages.map((m) => m.messageId)).toEqual([a.messageId]);
        },
      );
      expect(await rowOf(a.id)).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      unlock();
      await holding.catch(() => undefined);
      await holder.end();
      await admin.end();
    }
  });
});

describe('a job while the SMTP server cannot be reached', () => {
  /**
   * A port in front of a real SMTP sink that can be cut: while cut it takes each connection and
   * closes it at once, as a server going down does. It counts the connections it was asked for.
   */
  async function cuttableSink() {
    const sink = await startSmtpSink();
    const sinkPort = Number(new URL(sink.url).port);
    let cut = true;
    let connections = 0;
    const front = net.createServer((socket) => {
      connections++;
      if (cut) return socket.destroy();
      const back = net.connect(sinkPort, '127.0.0.1');
      socket.pipe(back).pipe(socket);
      back.on('error', () => socket.destroy());
      socket.on('error', () => back.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
    const transport = nodemailer.createTransport(`smtp://127.0.0.1:${(front.address() as AddressInfo).port}`);
    return {
      sink,
      transport,
      connections: () => connections,
      restore: () => void (cut = false),
      close: async () => {
        transport.close();
        await new Promise<void>((resolve) => front.close(() => resolve()));
        await sink.close();
      },
    };
  }

  it('leaves the next jobs\' messages untried for their retry, counting the try, and still makes a last try', async () => {
    const [a, d, b, c] = [await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !d || !b || !c) throw new Error('four deliveries');
    const smtp = await cuttableSink();
    try {
      // a real try first (the job's second): each message is refused by the closed connection, and
      // released with its error, due again when the queue's third try comes, 4 s on
      const triedFrom = t.app.clock.now().getTime();
      const refused = await sendDeliveries(t.app, smtp.transport, [a.id, d.id], false, 1).then(
        () => null,
        (e: unknown) => e,
      );
      const triedTo = t.app.clock.now().getTime();
      expect(refused).toBeInstanceOf(DeliveriesRefusedError);
      expect((refused as DeliveriesRefusedError).refused.map((r) => r.id).sort()).toEqual([a.id, d.id].sort());
      expect(smtp.connections()).toBe(2);
      for (const id of [a.id, d.id]) {
        const row = await rowOf(id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1, claimedAt: null });
        expect(row?.lastError).toMatch(/closed/i);
        expect(row?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(triedFrom + 4_000);
        expect(row?.nextAttemptAt.getTime()).toBeLessThanOrEqual(triedTo + 4_000);
      }

      // within the hold: no connection, one statement, the try counted, the retry's time on the row
      const before = t.app.clock.now().getTime();
      const held = await sendDeliveries(t.app, smtp.transport, [b.id, c.id], false, 2).then(
        () => null,
        (e: unknown) => e,
      );
      const after = t.app.clock.now().getTime();
      expect(held).toBeInstanceOf(SmtpUnreachableError);
      expect((held as SmtpUnreachableError).postponed).toBe(2);
      expect(smtp.connections()).toBe(2);
      for (const id of [b.id, c.id]) {
        const row = await rowOf(id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1, claimedAt: null, sentAt: null });
        expect(row?.lastError).toMatch(/closed/i);
        // the third failed try waits 8 s (2 s doubling), as a real refusal would
        expect(row?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 8_000);
        expect(row?.nextAttemptAt.getTime()).toBeLessThanOrEqual(after + 8_000);
      }

      // a last try is made all the same, and ends the message failed
      await expect(sendDeliveries(t.app, smtp.transport, [c.id], true)).rejects.toMatchObject({ command: 'CONN' });
      expect(smtp.connections()).toBe(3);
      expect(await rowOf(c.id)).toMatchObject({ status: 'failed', attempts: 2 });
      expect(smtp.sink.messages).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('tries again once the hold has passed', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    const smtp = await cuttableSink();
    try {
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false, 0, { outageHoldMs: 300 })).rejects.toMatchObject({ command: 'CONN' });
      smtp.restore();
      // the server is back, but the hold has not passed: the message waits for its retry
      await expect(sendDeliveries(t.app, smtp.transport, [b.id], false)).rejects.toBeInstanceOf(SmtpUnreachableError);
      expect(smtp.connections()).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect(await sendDeliveries(t.app, smtp.transport, [a.id, b.id], false, 1)).toEqual(['sent', 'sent']);
      expect(smtp.sink.messages.map((m) => m.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
      expect(await rowOf(b.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    } finally {
      await smtp.close();
    }
  });

  it('ends the hold as soon as a message is accepted', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    const smtp = await cuttableSink();
    try {
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false, 0, { outageHoldMs: 60_000 })).rejects.toMatchObject({ command: 'CONN' });
      smtp.restore();
      // a last try is made within the hold; the server accepts it, and the next job sends at once
      expect(await sendDeliveries(t.app, smtp.transport, [a.id], true, 12)).toEqual(['sent']);
      expect(await sendDeliveries(t.app, smtp.transport, [b.id], false)).toEqual(['sent']);
      expect(smtp.sink.messages.map((m) => m.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
    } finally {
      await smtp.close();
    }
  });

  it('does not hold the next job after a message the server refused: the server answered', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    await withSink(
      (mail) => (mail.messageId === a.messageId ? Promise.reject(new Error('mailbox unavailable')) : Promise.resolve()),
      async (sink, transport) => {
        await expect(sendDeliveries(t.app, transport, [a.id], false)).rejects.toThrow(/mailbox unavailable/);
        expect(await sendDeliveries(t.app, transport, [b.id], false)).toEqual(['sent']);
        expect(sink.messages.map((m) => m.messageId)).toEqual([b.messageId]);
      },
    );
  });

  it('leaves nothing to retry when every message of the held job was sent, or is being sent by another job, meanwhile', async () => {
    const [a, b, c] = [await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b || !c) throw new Error('three deliveries');
    const smtp = await cuttableSink();
    try {
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false)).rejects.toMatchObject({ command: 'CONN' });
      await t.app.db.update(emailDeliveries).set({ status: 'sent', sentAt: new Date() }).where(eq(emailDeliveries.id, b.id));
      // another job (a duplicate, or the last try made within the hold) claimed c moments ago
      const claimedAt = new Date();
      await t.app.db.update(emailDeliveries).set({ status: 'sending', claimedAt, attempts: 1 }).where(eq(emailDeliveries.id, c.id));
      expect(await sendDeliveries(t.app, smtp.transport, [b.id, c.id], false)).toEqual(['skipped', 'skipped']);
      expect(await rowOf(b.id)).toMatchObject({ status: 'sent', attempts: 0 });
      expect(await rowOf(c.id)).toMatchObject({ status: 'sending', claimedAt, attempts: 1, lastError: null });
      expect(smtp.connections()).toBe(1);
    } finally {
      await smtp.close();
    }
  });

  it('counts each message left for a retry or failed, once per message, and not those sent meanwhile', async () => {
    const [a, d, b, c, e] = [await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !d || !b || !c || !e) throw new Error('five deliveries');
    const counts = async () => {
      const values = (await t.app.metrics.emails.get()).values;
      const of = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
      return { sent: of('sent'), retry: of('retry'), failed: of('failed') };
    };
    const smtp = await cuttableSink();
    try {
      const start = await counts();
      // a real try: both messages refused alike (released together), both to be retried
      await expect(sendDeliveries(t.app, smtp.transport, [a.id, d.id], false)).rejects.toBeInstanceOf(DeliveriesRefusedError);
      expect(await counts()).toEqual({ ...start, retry: start.retry + 2 });

      // within the hold: of three messages, the one sent meanwhile is neither retried nor counted
      await t.app.db.update(emailDeliveries).set({ status: 'sent', sentAt: new Date() }).where(eq(emailDeliveries.id, e.id));
      const held = await sendDeliveries(t.app, smtp.transport, [b.id, c.id, e.id], false, 1).then(
        () => null,
        (err: unknown) => err,
      );
      expect(held).toBeInstanceOf(SmtpUnreachableError);
      expect((held as SmtpUnreachableError).postponed).toBe(2);
      expect(await counts()).toEqual({ ...start, retry: start.retry + 4 });
      expect(await rowOf(e.id)).toMatchObject({ status: 'sent', attempts: 0, lastError: null });

      // the last try: both refused, both failed
      await expect(sendDeliveries(t.app, smtp.transport, [b.id, c.id], true, 2)).rejects.toBeInstanceOf(DeliveriesRefusedError);
      expect(await counts()).toEqual({ ...start, retry: start.retry + 4, failed: start.failed + 2 });
      expect(smtp.connections()).toBe(4);
    } finally {
      await smtp.close();
    }
  });

  it('holds the jobs of the transport that could not reach its server only', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    const smtp = await cuttableSink();
    try {
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false, 0, { outageHoldMs: 60_000 })).rejects.toMatchObject({ command: 'CONN' });
      await withSink(
        () => Promise.resolve(),
        async (sink, transport) => {
          expect(await sendDeliveries(t.app, transport, [b.id], false)).toEqual(['sent']);
          expect(sink.messages.map((m) => m.messageId)).toEqual([b.messageId]);
        },
      );
      // the other transport's message accepted does not end this one's hold
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false, 1)).rejects.toBeInstanceOf(SmtpUnreachableError);
      expect(smtp.connections()).toBe(1);
    } finally {
      await smtp.close();
    }
  });

  it('holds in real time, however far the demo clock was moved', async () => {
    const [a, b] = [await deliveryToFirm(), await deliveryToFirm()];
    if (!a || !b) throw new Error('two deliveries');
    const smtp = await cuttableSink();
    try {
      await expect(sendDeliveries(t.app, smtp.transport, [a.id], false, 0, { outageHoldMs: 60_000 })).rejects.toMatchObject({ command: 'CONN' });
      // the demo moves on a day: the server went down a moment ago all the same
      if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
      await t.app.clock.advance(24 * 3_600_000);
      await expect(sendDeliveries(t.app, smtp.transport, [b.id], false)).rejects.toBeInstanceOf(SmtpUnreachableError);
      expect(smtp.connections()).toBe(1);
      // the retry's time is on the demo clock, as the queue's sweep reads it
      expect((await rowOf(b.id))?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    } finally {
      await clockBack(t);
      await smtp.close();
    }
  });
});
