import { Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import type { AppContext } from '../context';
import { QUEUE_NAMES, workerConnection } from './queues';
import { RELAY_BATCH, relayOnce } from './relay';
import { checkJobRegistry, dispatcher } from './registry';
import { startLoop, type Loop } from './loop';

export interface Workers {
  close(): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;
/**
 * After relaying less than a full batch the relay waits this long, so that under load the next
 * relay finds the rows of many transactions: one statement, one call to Redis and one email job
 * for all of them instead of one per transaction. It is how much later an email or event leaves.
 */
const RELAY_LINGER_MS = 100;

/** Pooled SMTP connections: one handshake per connection, not per message (SPEC §9: 100 emails/s). */
function pooled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  if (!u.searchParams.has('maxConnections')) u.searchParams.set('maxConnections', '5');
  return u.toString();
}

export async function startWorkers(app: AppContext, options: { relayIdleMs?: number; scheduleEveryMs?: number } = {}): Promise<Workers> {
  checkJobRegistry();
  const transport = nodemailer.createTransport(pooled(app.env.SMTP_URL));
  const deps = { app, transport };
  const connection = workerConnection(app.env.REDIS_URL);
  connection.on('error', () => undefined); // reported by the producer connection and the workers' own 'error' events
  const common = { connection, prefix: app.env.QUEUE_PREFIX };

  const notifications = new Worker(QUEUE_NAMES.notifications, dispatcher('notifications', deps), { ...common, concurrency: 20 });
  const deadlines = new Worker(QUEUE_NAMES.deadlines, dispatcher('deadlines', deps), { ...common, concurrency: 5 });
  for (const w of [notifications, deadlines]) {
    w.on('failed', (job, err) => app.log.warn({ err, queue: w.name, jobId: job?.id }, 'job failed'));
    w.on('error', (err) => app.log.warn({ err, queue: w.name }, 'worker error'));
  }
  const schedule = () => app.queues.deadlines.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
  await schedule();

  const loops: Loop[] = [
    startLoop('outbox relay', app.log, () => relayOnce(app), options.relayIdleMs ?? 250, { pauseAfter: (n) => (n < RELAY_BATCH ? RELAY_LINGER_MS : 0) }),
    // the sweep's schedule lives in Redis: a Redis flushed or restarted without its data gets it
    // back within a minute, not at the next start of a worker (deadlines weeks ahead rely on it)
    startLoop('sweep schedule', app.log, async () => (await schedule(), 0), options.scheduleEveryMs ?? SWEEP_EVERY_MS),
  ];

  return {
    close: async () => {
      await Promise.all(loops.map((l) => l.stop()));
      await Promise.all([notifications.close(), deadlines.close()]);
      transport.close();
      connection.disconnect();
    },
  };
}
