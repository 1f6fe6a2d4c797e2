import { UnrecoverableError, type Job } from 'bullmq';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { AppContext } from '../context';
import { sendDeliveries, sendDelivery } from '../mail/send';
import { createHash } from 'node:crypto';
import { requeueStuckDeliveries } from '../mail/requeue';
import { fireTimer, rearmSoon, sweepDue } from '../engine/timers';
import { deliverEvent, deliveryPayload } from '../engine/deliver';
import { recountYear } from '../calendar/admin';
import { remindRoundsClosing } from '../rounds/closing-reminder';
import { SettableClock } from '../clock';
import { sendResetLink } from '../auth/password-reset';
import type { QueueName } from './queues';

/** What a handler may use besides its payload: the process's context and its SMTP transport. */
export interface JobDeps {
  app: AppContext;
  transport: Transporter;
}

interface JobDefinition<P> {
  queue: QueueName;
  payload: z.ZodType<P>;
  /** deterministic where a duplicate must be ignored (BullMQ drops a job id it already holds) */
  jobId: (payload: P) => string;
  delayMs?: (payload: P, now: Date) => number;
  handle: (deps: JobDeps, payload: P, job: Job) => Promise<unknown>;
}
const job = <P>(d: JobDefinition<P>) => d;

const sendEmail = z.strictObject({ deliveryId: z.uuid() });
/** How many deliveries one `sendMany` job sends at most (the relay makes one per this many emails). */
export const EMAILS_PER_JOB = 50;
const sendEmails = z.strictObject({ deliveryIds: z.array(z.uuid()).min(1).max(EMAILS_PER_JOB) });
const fireTimerPayload = z.strictObject({ timerId: z.uuid(), fireAt: z.iso.datetime({ offset: true }) });

// The job registry (one definition per job: queue, payload, job id, handler), read by the relay,
// the producers and the workers alike.
export const jobs = {
  send: job({
    queue: 'notifications',
    payload: sendEmail,
    jobId: (p) => `email-${p.deliveryId}`,
    handle: ({ app, transport }, p, j) => sendDelivery(app, transport, p.deliveryId, j.attemptsMade + 1 >= (j.opts.attempts ?? 1), j.attemptsMade),
  }),
  // the emails the relay found waiting together: one job, one claim and one mark for all of them
  sendMany: job({
    queue: 'notifications',
    payload: sendEmails,
    // the same set, relayed twice (a relay that died before marking its rows), is one job; a
    // different set is another, whose claim skips what the first sent
    jobId: (p) => `emails-${createHash('sha256').update([...p.deliveryIds].sort().join(',')).digest('base64url').slice(0, 32)}`,
    handle: ({ app, transport }, p, j) => sendDeliveries(app, transport, p.deliveryIds, j.attemptsMade + 1 >= (j.opts.attempts ?? 1), j.attemptsMade),
  }),
  timer: job({
    queue: 'deadlines',
    payload: fireTimerPayload,
    jobId: (p) => `timer-${p.timerId}`,
    delayMs: (p, now) => Math.max(0, new Date(p.fireAt).getTime() - now.getTime()),
    handle: ({ app }, p) => fireTimer(app, p.timerId),
  }),
  // an event one aggregate emitted for others, e.g. NOTICE_CLOSED to each case of a notice
  deliver: job({
    queue: 'deadlines',
    payload: deliveryPayload,
    jobId: (p) => `event-${p.eventId}`,
    handle: ({ app }, p) => deliverEvent(app, p),
  }),
  // a request for a reset link, answered before the account is looked up (server/auth/password-reset.ts)
  passwordReset: job({
    queue: 'notifications',
    payload: z.strictObject({ requestId: z.uuid(), email: z.string().min(1).max(320) }),
    jobId: (p) => `password-reset-${p.requestId}`,
    handle: ({ app }, p) => sendResetLink(app, p.requestId, p.email),
  }),
  recount: job({
    queue: 'deadlines',
    payload: z.strictObject({ year: z.number().int(), requestedAt: z.number().int() }),
    jobId: (p) => `recount-${p.year}-${p.requestedAt}`,
    handle: ({ app }, p) => recountYear(app, p.year),
  }),
  sweep: job({
    queue: 'deadlines',
    payload: z.strictObject({ requestedAt: z.number().int().optional() }),
    jobId: (p) => `sweep-now-${p.requestedAt ?? 0}`,
    handle: async ({ app }) => {
      // a sweep asked for right after the demo clock moved must see the new time
      if (app.clock instanceof SettableClock) await app.clock.refresh();
      // each step runs whatever an earlier one threw (a timer that cannot fire must not keep the
      // delayed jobs of the coming hour from being added); the first failure fails the job after
      const steps = { fired: sweepDue, rearmed: rearmSoon, roundReminders: remindRoundsClosing, requeuedEmails: requeueStuckDeliveries };
      const done: Partial<Record<keyof typeof steps, number>> = {};
      const failures: unknown[] = [];
      for (const [name, step] of Object.entries(steps) as [keyof typeof steps, (a: typeof app) => Promise<number>][]) {
        try {
          done[name] = await step(app);
        } catch (err) {
          failures.push(err);
        }
      }
      if (failures.length > 0) throw failures[0];
      return done;
    },
  }),
} as const;

export type JobName = keyof typeof jobs;
export type PayloadOf<N extends JobName> = z.output<(typeof jobs)[N]['payload']>;

/** Jobs that leave through the outbox, written in a transaction: the row's topic names the job. */
export const outboxTopics = { email: 'send', timer: 'timer', event: 'deliver', passwordReset: 'passwordReset' } as const satisfies Record<string, JobName>;
type Topic = keyof typeof outboxTopics;

/** An outbox row as writers build it: a topic the registry knows, with its payload's type. */
export type OutboxMessage = { [T in Topic]: { topic: T; payload: PayloadOf<(typeof outboxTopics)[T]> } }[Topic];

/** The job options BullMQ needs for a payload: its name, data, deterministic id and delay. */
export function bullJob<N extends JobName>(name: N, payload: PayloadOf<N>, now: Date, suffix = '') {
  const def = jobs[name] as unknown as JobDefinition<PayloadOf<N>>;
  const delay = def.delayMs?.(payload, now);
  return { name, data: payload, opts: { jobId: def.jobId(payload) + suffix, ...(delay ? { delay } : {}) } };
}

export function jobForTopic(topic: string): JobName | undefined {
  return Object.hasOwn(outboxTopics, topic) ? outboxTopics[topic as Topic] : undefined;
}

/** The handler of one queue: validates the payload, then runs the named job's handler. */
export function dispatcher(queue: QueueName, deps: JobDeps): (j: Job) => Promise<unknown> {
  return async (j) => {
    const def = Object.hasOwn(jobs, j.name) ? (jobs[j.name as JobName] as JobDefinition<unknown>) : undefined;
    // a job nobody handles, or with a payload its handler does not expect, fails at once, unretried
    if (!def || def.queue !== queue) throw new UnrecoverableError(`no handler for job ${j.name} on queue ${queue}`);
    const payload = def.payload.safeParse(j.data);
    if (!payload.success) throw new UnrecoverableError(`job ${j.name} has an unexpected payload: ${payload.error.message}`);
    return def.handle(deps, payload.data, j);
  };
}

/** Refuses to start a process whose outbox topics name a job the registry does not hold. */
export function checkJobRegistry(): void {
  const missing = Object.entries(outboxTopics).filter(([, name]) => !Object.hasOwn(jobs, name));
  if (missing.length > 0) throw new Error(`outbox topic(s) without a job: ${missing.map(([t]) => t).join(', ')}`);
}
