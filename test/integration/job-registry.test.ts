import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { emailDeliveries, outbox } from '../../db/schema';
import { relayOnce } from '../../server/jobs/relay';
import { bullJob, EMAILS_PER_JOB } from '../../server/jobs/registry';
import { startWorkers } from '../../server/jobs/workers';
import { startTestApp, type TestApp } from '../support/app';
import { useTestApp } from '../support/use-app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { makeWorld } from '../support/world';

// The relay takes every pending outbox row it finds: a database of this file's own.
const { t } = useTestApp({ ownDatabase: true, world: false });

describe('the job registry', () => {
  it('refuses to relay an outbox row whose topic no job handles, and leaves it pending', async () => {
    const [row] = await t.app.db.insert(outbox).values({ topic: 'launchRocket', payload: {} }).returning();
    await expect(relayOnce(t.app)).rejects.toThrow(/topic "launchRocket", which no job handles/);
    const [after] = await t.app.db.select().from(outbox).where(eq(outbox.id, row?.id ?? 0));
    expect(after?.enqueuedAt).toBeNull();
    await t.app.db.delete(outbox).where(eq(outbox.id, row?.id ?? 0));
  });

  it('refuses to relay a known topic whose payload is not the job\'s', async () => {
    const [row] = await t.app.db.insert(outbox).values({ topic: 'email', payload: { deliveryId: 42 } }).returning();
    await expect(relayOnce(t.app)).rejects.toThrow(/\(email\) has an unexpected payload/);
    await t.app.db.delete(outbox).where(eq(outbox.id, row?.id ?? 0));
  });

  it('relays the emails it finds together as jobs of at most EMAILS_PER_JOB, each delivery in exactly one', async () => {
    const ids = Array.from({ length: 2 * EMAILS_PER_JOB + 20 }, () => randomUUID());
    await t.app.db.insert(outbox).values(ids.map((deliveryId) => ({ topic: 'email', payload: { deliveryId } })));
    expect(await relayOnce(t.app)).toBe(ids.length);
    const queued = await t.app.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized']);
    try {
      const batches = queued.map((j) => (j.data as { deliveryIds: string[] }).deliveryIds);
      expect(queued.map((j) => j.name)).toEqual(queued.map(() => 'sendMany'));
      expect(batches.map((b) => b.length).sort((a, b) => a - b)).toEqual([20, EMAILS_PER_JOB, EMAILS_PER_JOB]);
      expect(batches.flat().sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all(queued.map((j) => j.remove()));
    }
  });

  it('fails, without retrying, a job that no handler knows or whose payload is malformed', async () => {
    const workers = await startWorkers(t.app, { relayIdleMs: 50 });
    try {
      const unknown = await t.app.queues.deadlines.add('launchRocket', {});
      const malformed = await t.app.queues.deadlines.add('timer', { timerId: 'not-a-uuid' });
      await expect.poll(async () => (await unknown.getState()) === 'failed' && (await malformed.getState()) === 'failed', { timeout: 10_000 }).toBe(true);
      const [a, b] = await Promise.all([t.app.queues.deadlines.getJob(unknown.id ?? ''), t.app.queues.deadlines.getJob(malformed.id ?? '')]);
      expect(a?.failedReason).toBe('no handler for job launchRocket on queue deadlines');
      expect(a?.attemptsMade).toBe(1);
      expect(b?.failedReason).toMatch(/job timer has an unexpected payload/);
      expect(b?.attemptsMade).toBe(1);
    } finally {
      await workers.close();
    }
  });

  it("puts the minute's sweep back on its schedule when Redis lost it (flushed, or restarted without its data)", async () => {
    const workers = await startWorkers(t.app, { relayIdleMs: 50, scheduleEveryMs: 200 });
    try {
      expect(await t.app.queues.deadlines.getJobScheduler('sweep')).toMatchObject({ every: 60_000 });
      await t.app.queues.deadlines.removeJobScheduler('sweep');
      expect(await t.app.queues.deadlines.getJobScheduler('sweep')).toBeUndefined();
      await expect.poll(async () => (await t.app.queues.deadlines.getJobScheduler('sweep'))?.every, { timeout: 5_000 }).toBe(60_000);
    } finally {
      await workers.close();
    }
  });

  it('fails, without retrying, a known job put on a queue that does not run it', async () => {
    const workers = await startWorkers(t.app, { relayIdleMs: 50 });
    try {
      const stray = await t.app.queues.deadlines.add('send', { deliveryId: randomUUID() }, { attempts: 3 });
      await expect.poll(async () => stray.getState(), { timeout: 10_000 }).toMatch(/^(failed|completed)$/);
      expect(await stray.getState()).toBe('failed');
      const failed = await t.app.queues.deadlines.getJob(stray.id ?? '');
      expect(failed?.failedReason).toBe('no handler for job send on queue deadlines');
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await workers.close();
    }
  });
});

describe('an email refused on every try, through the real worker', () => {
  let sink: SmtpSink;
  let app: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink({ beforeAccept: () => Promise.reject(new Error('mailbox unavailable')) });
    app = await startTestApp({ ownDatabase: true, smtpUrl: sink.url });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it("is pending after its first try and failed after its last, the queue's attempts in all", async () => {
    const w = await makeWorld(app.app.db, app.api, app.app);
    const caseId = await w.submittedCase();
    // this test enqueues the one job itself, with two tries a moment apart: the relay must not add the outbox's own
    await app.app.db.update(outbox).set({ enqueuedAt: new Date() }).where(isNull(outbox.enqueuedAt));
    const [delivery] = await app.app.db
      .select()
      .from(emailDeliveries)
      .where(and(eq(emailDeliveries.ownerId, caseId), eq(emailDeliveries.toAddress, w.people.firm.email)));
    const row = async () => (await app.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, delivery?.id ?? '')))[0];
    const workers = await startWorkers(app.app, { relayIdleMs: 50 });
    try {
      const spec = bullJob('send', { deliveryId: delivery?.id ?? '' }, app.app.clock.now(), '-twice');
      const job = await app.app.queues.notifications.add(spec.name, spec.data, { ...spec.opts, attempts: 2, backoff: { type: 'fixed', delay: 1_500 } });
      // between the tries: refused once, waiting for the retry
      await expect.poll(row, { timeout: 10_000, interval: 20 }).toMatchObject({ status: 'pending', attempts: 1 });
      await expect.poll(async () => job.getState(), { timeout: 10_000 }).toBe('failed');
      expect(await row()).toMatchObject({ status: 'failed', attempts: 2 });
      expect((await app.app.queues.notifications.getJob(job.id ?? ''))?.attemptsMade).toBe(2);
      expect(sink.messages).toEqual([]);
    } finally {
      await workers.close();
    }
  });

  it("sends a job's deliveries together: refused on every try, they wait the queue's backoff between tries and fail on its last", async () => {
    const w = await makeWorld(app.app.db, app.api, app.app);
    const caseId = await w.submittedCase();
    // this test enqueues the one job itself: the relay must not add the outbox's own
    await app.app.db.update(outbox).set({ enqueuedAt: new Date() }).where(isNull(outbox.enqueuedAt));
    const deliveries = await app.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, caseId));
    expect(deliveries.length).toBeGreaterThan(1);
    const ids = deliveries.map((d) => d.id);
    const rows = async () => app.app.db.select().from(emailDeliveries).where(inArray(emailDeliveries.id, ids));
    const workers = await startWorkers(app.app, { relayIdleMs: 50 });
    try {
      // the queue's own backoff (2 s, doubling), three tries
      const spec = bullJob('sendMany', { deliveryIds: ids }, app.app.clock.now());
      const job = await app.app.queues.notifications.add(spec.name, spec.data, { ...spec.opts, attempts: 3 });
      // refused twice: pending, and due again when the queue's third try comes, 4 s after the second
      await expect
        .poll(async () => (await rows()).map((r) => `${r.status}/${r.attempts}`), { timeout: 15_000, interval: 20 })
        .toEqual(ids.map(() => 'pending/2'));
      const secondRefusal = app.app.clock.now().getTime();
      for (const r of await rows()) expect(r.nextAttemptAt.getTime() - secondRefusal).toBeGreaterThan(3_000);
      await expect.poll(async () => job.getState(), { timeout: 15_000 }).toBe('failed');
      expect((await rows()).map((r) => `${r.status}/${r.attempts}`)).toEqual(ids.map(() => 'failed/3'));
      expect(sink.messages).toEqual([]);
    } finally {
      await workers.close();
    }
  });
});
