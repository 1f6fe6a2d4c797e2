import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import { emailDeliveries } from '../../db/schema';
import type { AppContext } from '../context';
import { systemClock } from '../clock';
import { isDatabaseUnavailable } from '../../db/errors';
import { isTemplateName, render } from './templates';

// A claim older than this is presumed dead (its sender crashed) and may be taken over.
export const CLAIM_LEASE_MS = 5 * 60_000;

export type SendOutcome = 'sent' | 'skipped';

// The notifications queue's backoff (server/jobs/queues.ts): 2 s, doubling per failed try.
const retryDelayMs = (failedTries: number) => 2_000 * 2 ** Math.max(0, failedTries - 1);

/**
 * Sends one delivery row. The row is claimed with a conditional update first, so two workers
 * holding duplicate jobs never both send; only a sender that dies between SMTP acceptance and
 * marking the row can cause a second send — with the same Message-ID (SPEC §9).
 */
export async function sendDelivery(app: AppContext, transport: Transporter, deliveryId: string, finalAttempt: boolean, failedTries = 0): Promise<SendOutcome> {
  const [outcome] = await sendDeliveries(app, transport, [deliveryId], finalAttempt, failedTries);
  return outcome ?? 'skipped';
}

/** Some deliveries of a batch were refused: they wait for the job's next try; the others are sent. */
export class DeliveriesRefusedError extends Error {
  declare readonly refused: { id: string; error: unknown }[];
  constructor(refused: { id: string; error: unknown }[], sent: number) {
    super(`${refused.length} delivery(ies) refused, ${sent} sent: ${String(refused[0]?.error)}`);
    this.name = 'DeliveriesRefusedError';
    // not enumerable: the job's log line says how many and why, not every delivery with its stack
    Object.defineProperty(this, 'refused', { value: refused, enumerable: false });
  }
}

/**
 * Sends the deliveries of one job, in order of the ids given: claims the ones still to send in one
 * statement, hands them to the pooled transport together, and marks the accepted ones sent in one
 * statement. A refused one is left pending (or failed, on the last try) with its error, and the
 * job fails so that the queue tries again: the next try claims only what is still pending, so an
 * accepted message is not sent again. One delivery's answer: `sendDelivery`.
 */
export interface SendOptions {
  /** how often the job's claims still out are renewed (their lease runs from the last renewal) */
  renewEveryMs?: number;
  /** how long after an unreachable SMTP server the next jobs leave their messages untried */
  outageHoldMs?: number;
}

export async function sendDeliveries(
  app: AppContext,
  transport: Transporter,
  deliveryIds: readonly string[],
  finalAttempt: boolean,
  failedTries = 0,
  options: SendOptions = {},
): Promise<SendOutcome[]> {
  // the claim's lease runs in real time: a demo clock moved on must not make a send in flight look dead
  const claimedAt = systemClock.now();
  // the SMTP server could not be reached a moment ago: this job's messages wait for its next try
  // untried (a last try is always made), instead of each costing a connection attempt and a write
  const outage = outages.get(transport);
  if (outage && outage.until > claimedAt.getTime() && !finalAttempt) return postpone(app, deliveryIds, outage.error, failedTries);
  const claimed = await app.db
    .update(emailDeliveries)
    .set({ status: 'sending', claimedAt, attempts: sql`${emailDeliveries.attempts} + 1` })
    .where(
      and(
        inArray(emailDeliveries.id, [...deliveryIds]),
        or(
          eq(emailDeliveries.status, 'pending'),
          and(eq(emailDeliveries.status, 'sending'), lt(emailDeliveries.claimedAt, new Date(claimedAt.getTime() - CLAIM_LEASE_MS))),
        ),
      ),
    )
    .returning();
  if (claimed.length === 0) return deliveryIds.map(() => 'skipped');
  // what the SMTP server accepted is marked sent together, at the end or every MARK_EVERY_MS while a
  // slower message of the job is still out: an accepted message never waits on another's answer
  // for as long as a claim's lease (a second send). The claims still out are renewed meanwhile, so
  // a message waiting its turn behind a slow SMTP server is never taken for one whose sender died.
  const marker = sentMarker(app, claimed.map((r) => r.id));
  const ticking = setInterval(() => void marker.flush().catch(() => undefined), MARK_EVERY_MS);
  const renewing = setInterval(() => void marker.renew().catch(() => undefined), options.renewEveryMs ?? RENEW_EVERY_MS);
  let results: ({ id: string; ok: true } | { id: string; ok: false; error: unknown })[];
  try {
    results = await Promise.all(
      claimed.map(async (row) => {
        try {
          if (!isTemplateName(row.template)) throw new Error(`delivery ${row.id} names unknown template ${row.template}`);
          const message = render(row.template, row.data);
          await transport.sendMail({
            from: app.env.MAIL_FROM,
            to: row.toAddress,
            subject: message.subject,
            text: message.text,
            messageId: row.messageId,
            headers: { 'X-Firstbatch-Template': row.template },
          });
          marker.accepted(row.id);
          return { id: row.id, ok: true as const };
        } catch (error) {
          marker.settled(row.id);
          return { id: row.id, ok: false as const, error };
        }
      }),
    );
  } finally {
    clearInterval(ticking);
    clearInterval(renewing);
  }
  await marker.flush();
  const sent = results.filter((r) => r.ok).map((r) => r.id);
  const refused = results.flatMap((r) => (r.ok ? [] : [{ id: r.id, error: r.error }]));
  // a message accepted closes an outage; one that could not reach the server opens (or extends) it
  const unreached = refused.find((r) => unreachable(r.error));
  if (unreached) outages.set(transport, { until: systemClock.now().getTime() + (options.outageHoldMs ?? OUTAGE_HOLD_MS), error: unreached.error });
  else if (sent.length > 0) outages.delete(transport);
  // the refused ones with the same error are released together: one statement, not one each
  const byError = new Map<string, { id: string }[]>();
  for (const r of refused) {
    const text = String(r.error).slice(0, 500);
    const same = byError.get(text);
    if (same) same.push(r);
    else byError.set(text, [r]);
  }
  for (const [lastError, rows] of byError) {
    await app.db
      .update(emailDeliveries)
      .set({
        status: finalAttempt ? 'failed' : 'pending',
        claimedAt: null,
        lastError,
        nextAttemptAt: new Date(app.clock.now().getTime() + retryDelayMs(failedTries + 1)),
      })
      .where(inArray(emailDeliveries.id, rows.map((r) => r.id)));
    app.metrics.emails.inc({ outcome: finalAttempt ? 'failed' : 'retry' }, rows.length);
  }
  if (refused.length > 0) throw deliveryIds.length === 1 ? refused[0]?.error : new DeliveriesRefusedError(refused, sent.length);
  const outcome = new Map(sent.map((id) => [id, 'sent' as const]));
  return deliveryIds.map((id) => outcome.get(id) ?? 'skipped');
}

/**
 * After a message could not reach the SMTP server (refused connection, unknown host, timeout, cut),
 * the jobs of the next few seconds do not try theirs: while the server is down, each job costs one
 * statement instead of a connection attempt and a write per message. Their tries still count, and
 * a last try is always made, so a message still ends failed after about two hours of outage.
 */
export const OUTAGE_HOLD_MS = 5_000;
const outages = new WeakMap<Transporter, { until: number; error: unknown }>();
// nodemailer names the stage of a failure: `CONN` for the connection itself, before or while talking
const unreachable = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { command?: unknown }).command === 'CONN';

/** The SMTP server was unreachable moments ago: a job's messages were left for its next try, untried. */
export class SmtpUnreachableError extends Error {
  constructor(readonly postponed: number, cause: unknown) {
    super(`SMTP server unreachable moments ago (${String(cause)}): ${postponed} delivery(ies) left for the next try`, { cause });
    this.name = 'SmtpUnreachableError';
  }
}

/** Leaves a job's pending deliveries for its next try without sending them, counting the try. */
async function postpone(app: AppContext, deliveryIds: readonly string[], cause: unknown, failedTries: number): Promise<SendOutcome[]> {
  const postponed = await app.db
    .update(emailDeliveries)
    .set({
      attempts: sql`${emailDeliveries.attempts} + 1`,
      lastError: String(cause).slice(0, 500),
      nextAttemptAt: new Date(app.clock.now().getTime() + retryDelayMs(failedTries + 1)),
    })
    .where(and(inArray(emailDeliveries.id, [...deliveryIds]), eq(emailDeliveries.status, 'pending')))
    .returning({ id: emailDeliveries.id });
  // nothing of the job was still pending (sent, or being sent by another job): nothing to retry
  if (postponed.length === 0) return deliveryIds.map(() => 'skipped');
  app.metrics.emails.inc({ outcome: 'retry' }, postponed.length);
  throw new SmtpUnreachableError(postponed.length, cause);
}

/** How long an accepted message of a job may wait for its mark while others of the job are still out. */
export const MARK_EVERY_MS = 1_000;
/** How often the claims of a job's messages still out are renewed: well inside the lease. */
export const RENEW_EVERY_MS = 60_000;

// A mark is retried when its connection was cut (the process lives on): an accepted message left
// `sending` would be sent again once its lease ran out.
const MARK_RETRIES_MS = [100, 500, 2_000, 5_000];
async function retried(run: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await run();
      return;
    } catch (err) {
      const wait = MARK_RETRIES_MS[attempt];
      if (wait === undefined || !isDatabaseUnavailable(err)) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Gathers the deliveries the SMTP server accepted and marks them sent, one statement per flush, in order. */
function sentMarker(app: AppContext, claimed: readonly string[]) {
  const waiting: string[] = [];
  const out = new Set(claimed);
  let chain: Promise<void> = Promise.resolve();
  return {
    accepted(id: string) {
      out.delete(id);
      waiting.push(id);
    },
    settled: (id: string) => void out.delete(id),
    flush(): Promise<void> {
      const ids = waiting.splice(0);
      if (ids.length === 0) return chain;
      chain = chain.then(async () => {
        await retried(() => app.db.update(emailDeliveries).set({ status: 'sent', sentAt: app.clock.now(), lastError: null }).where(inArray(emailDeliveries.id, ids)));
        app.metrics.emails.inc({ outcome: 'sent' }, ids.length);
      });
      return chain;
    },
    async renew(): Promise<void> {
      const ids = [...out];
      if (ids.length === 0) return;
      await app.db
        .update(emailDeliveries)
        .set({ claimedAt: systemClock.now() })
        .where(and(inArray(emailDeliveries.id, ids), eq(emailDeliveries.status, 'sending')));
    },
  };
}
