import { Worker, type Job } from 'bullmq';
import nodemailer from 'nodemailer';
import type { AppContext } from '../context';
import { sendDelivery } from '../mail/send';
import { requeueStuckDeliveries } from '../mail/requeue';
import { fireTimer, rearmSoon, sweepDue } from '../engine/timers';
import { QUEUE_NAMES, workerConnection } from './queues';
import { relayOnce } from './relay';
import { SettableClock } from '../clock';
import { recountYear } from '../calendar/admin';
import { remindRoundsClosing } from '../rounds/closing-reminder';
import { startLoop, type Loop } from './loop';

export interface Workers {
  close(): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;

// The job registry: one handler per job name. A job nobody handles fails loudly instead of vanishing.
type Handler = (job: Job) => Promise<unknown>;

function dispatch(handlers: Record<string, Handler>): Handler {
  return async (job) => {
    const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    return handler(job);
  };
}

/** Pooled SMTP connections: one handshake per connection, not per message (SPEC §9: 100 emails/s). */
function pooled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  if (!u.searchParams.has('maxConnections')) u.searchParams.set('maxConnections', '5');
  return u.toString();
}

export async function startWorkers(app: AppContext, options: { relayIdleMs?: number } = {}): Promise<Workers> {
  const transport = nodemailer.createTransport(pooled(app.env.SMTP_URL));
  const connection = workerConnection(app.env.REDIS_URL);
  connection.on('error', () => undefined); // reported by the producer connection and the workers' own 'error' events
  const common = { connection, prefix: app.env.QUEUE_PREFIX };

  const notifications = new Worker(
    QUEUE_NAMES.notifications,
    dispatch({
      send: (job) => sendDelivery(app, transport, String(job.data.deliveryId), job.attemptsMade + 1 >= (job.opts.attempts ?? 1), job.attemptsMade),
    }),
    { ...common, concurrency: 20 },
  );
  const deadlines = new Worker(
    QUEUE_NAMES.deadlines,
    dispatch({
      timer: (job) => fireTimer(app, String(job.data.timerId)),
      recount: (job) => recountYear(app, Number(job.data.year)),
      sweep: async () => {
        // a sweep asked for right after the demo clock moved must see the new time
        if (app.clock instanceof SettableClock) await app.clock.refresh();
        return {
          fired: await sweepDue(app),
          rearmed: await rearmSoon(app),
          roundReminders: await remindRoundsClosing(app),
          requeuedEmails: await requeueStuckDeliveries(app),
        };
      },
    }),
    { ...common, concurrency: 5 },
  );
  for (const w of [notifications, deadlines]) {
    w.on('failed', (job, err) => app.log.warn({ err, queue: w.name, jobId: job?.id }, 'job failed'));
    w.on('error', (err) => app.log.warn({ err, queue: w.name }, 'worker error'));
  }
  await app.queues.deadlines.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep' });

  const loops: Loop[] = [startLoop('outbox relay', app.log, () => relayOnce(app), options.relayIdleMs ?? 250)];

  return {
    close: async () => {
      await Promise.all(loops.map((l) => l.stop()));
      await Promise.all([notifications.close(), deadlines.close()]);
      transport.close();
      connection.disconnect();
    },
  };
}
