import { and, eq, lt, or } from 'drizzle-orm';
import { emailDeliveries } from '../../db/schema';
import type { AppContext } from '../context';
import { systemClock } from '../clock';
import { CLAIM_LEASE_MS } from './send';
import { bullJob } from '../jobs/registry';

// A queued retry may run a little late; only rows well past their time count as lost.
const GRACE_MS = 10 * 60_000;

/**
 * The net under the notifications queue (SPEC §9, nothing lost): a delivery whose sender died
 * after claiming it, or whose queued job vanished (a flushed Redis, a last try that failed before
 * SMTP), is queued again. The sender's claim still keeps a delivery from being sent twice.
 */
export async function requeueStuckDeliveries(app: AppContext, limit = 500): Promise<number> {
  const now = app.clock.now().getTime();
  // a claim's lease runs in real time (send.ts), a retry's time on the app's clock
  const real = systemClock.now().getTime();
  const stuck = await app.db
    .select({ id: emailDeliveries.id, attempts: emailDeliveries.attempts })
    .from(emailDeliveries)
    .where(
      or(
        and(eq(emailDeliveries.status, 'pending'), lt(emailDeliveries.nextAttemptAt, new Date(now - GRACE_MS))),
        and(eq(emailDeliveries.status, 'sending'), lt(emailDeliveries.claimedAt, new Date(real - CLAIM_LEASE_MS))),
      ),
    )
    .limit(limit);
  if (stuck.length === 0) return 0;
  // a new job id per try: the first job, completed long ago, must not swallow this one
  await app.queues.notifications.addBulk(stuck.map((d) => bullJob('send', { deliveryId: d.id }, new Date(now), `-retry${d.attempts}`)));
  return stuck.length;
}
