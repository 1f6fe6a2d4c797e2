import { asc, inArray, isNull } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { AppContext } from '../context';
import type { QueueName } from './queues';
import { bullJob, EMAILS_PER_JOB, jobForTopic, jobs, type JobName, type PayloadOf } from './registry';

/** Rows one relay takes at most. */
export const RELAY_BATCH = 200;

export interface RelayOptions {
  limit?: number;
  /** test seam: runs after the jobs reached Redis and before the rows are marked (crash injection) */
  afterEnqueue?: () => Promise<void>;
}

/**
 * Moves pending outbox rows to BullMQ. Rows are locked with SKIP LOCKED so that any number of
 * relays can run; job ids are derived from the row's subject, so a relay that dies after enqueueing
 * and before marking re-adds the same ids, which BullMQ ignores — and consumers re-check Postgres.
 * A row whose topic or payload the job registry does not know fails the whole batch, loudly.
 */
export async function relayOnce(app: AppContext, options: RelayOptions = {}): Promise<number> {
  return app.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(isNull(outbox.enqueuedAt))
      .orderBy(asc(outbox.id))
      .limit(options.limit ?? RELAY_BATCH)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    const now = app.clock.now();
    const byQueue = new Map<QueueName, ReturnType<typeof bullJob>[]>();
    const add = (queue: QueueName, job: ReturnType<typeof bullJob>) => byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
    const emails: string[] = [];
    for (const row of rows) {
      const name = jobForTopic(row.topic);
      if (!name) throw new Error(`outbox row ${row.id} has topic "${row.topic}", which no job handles`);
      const payload = jobs[name].payload.safeParse(row.payload);
      if (!payload.success) throw new Error(`outbox row ${row.id} (${row.topic}) has an unexpected payload: ${payload.error.message}`);
      // the emails found together leave together, a job per EMAILS_PER_JOB of them
      if (name === 'send') emails.push((payload.data as PayloadOf<'send'>).deliveryId);
      else add(jobs[name].queue, bullJob(name as JobName, payload.data as PayloadOf<JobName>, now));
    }
    for (let i = 0; i < emails.length; i += EMAILS_PER_JOB) add(jobs.sendMany.queue, bullJob('sendMany', { deliveryIds: emails.slice(i, i + EMAILS_PER_JOB) }, now));
    for (const [queue, list] of byQueue) await app.queues[queue].addBulk(list);
    await options.afterEnqueue?.();
    await tx.update(outbox).set({ enqueuedAt: now }).where(inArray(outbox.id, rows.map((r) => r.id)));
    return rows.length;
  });
}
