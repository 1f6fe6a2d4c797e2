import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import { relayOnce } from '../../server/jobs/relay';
import { startWorkers } from '../../server/jobs/workers';
import { startTestApp, type TestApp } from '../support/app';

// The relay takes every pending outbox row it finds: a database of this file's own.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ ownDatabase: true });
});
afterAll(async () => t.close());

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
});
