import { asc, inArray, isNull } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { AppContext } from '../context';

interface EmailPayload {
  deliveryId: string;
}
interface TimerPayload {
  timerId: string;
  fireAt: string;
}

export interface RelayOptions {
  limit?: number;
  /** test seam: runs after the jobs reached Redis and before the rows are marked (crash injection) */
  afterEnqueue?: () => Promise<void>;
}

/**
 * Moves pending outbox rows to BullMQ. Rows are locked with SKIP LOCKED so that any number of
 * relays can run; job ids are derived from the row's subject, so a relay that dies after enqueueing
 * and before marking re-adds the same ids, which BullMQ ignores — and consumers re-check Postgres.
 */
export async function relayOnce(app: AppContext, options: RelayOptions = {}): Promise<number> {
  return app.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(isNull(outbox.enqueuedAt))
      .orderBy(asc(outbox.id))
      .limit(options.limit ?? 200)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    const now = app.clock.now();
    const emails = rows.filter((r) => r.topic === 'email').map((r) => r.payload as EmailPayload);
    const timers = rows.filter((r) => r.topic === 'timer').map((r) => r.payload as TimerPayload);
    if (emails.length > 0) {
      await app.queues.notifications.addBulk(
        emails.map((p) => ({ name: 'send', data: p, opts: { jobId: `email-${p.deliveryId}` } })),
      );
    }
    if (timers.length > 0) {
      await app.queues.deadlines.addBulk(
        timers.map((p) => ({
          name: 'timer',
          data: { timerId: p.timerId },
          opts: { jobId: `timer-${p.timerId}`, delay: Math.max(0, new Date(p.fireAt).getTime() - now.getTime()) },
        })),
      );
    }
    await options.afterEnqueue?.();
    await tx.update(outbox).set({ enqueuedAt: now }).where(inArray(outbox.id, rows.map((r) => r.id)));
    return rows.length;
  });
}
