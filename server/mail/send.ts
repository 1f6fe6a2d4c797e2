import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import { emailDeliveries } from '../../db/schema';
import type { AppContext } from '../context';
import { isTemplateName, render } from './templates';

// A claim older than this is presumed dead (its sender crashed) and may be taken over.
export const CLAIM_LEASE_MS = 5 * 60_000;

export type SendOutcome = 'sent' | 'skipped';

/**
 * Sends one delivery row. The row is claimed with a conditional update first, so two workers
 * holding duplicate jobs never both send; only a sender that dies between SMTP acceptance and
 * marking the row can cause a second send — with the same Message-ID (SPEC §9).
 */
// The notifications queue's backoff (server/jobs/queues.ts): 2 s, doubling per failed try.
const retryDelayMs = (failedTries: number) => 2_000 * 2 ** Math.max(0, failedTries - 1);

export async function sendDelivery(app: AppContext, transport: Transporter, deliveryId: string, finalAttempt: boolean, failedTries = 0): Promise<SendOutcome> {
  const now = app.clock.now();
  const [claimed] = await app.db
    .update(emailDeliveries)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${emailDeliveries.attempts} + 1` })
    .where(
      and(
        eq(emailDeliveries.id, deliveryId),
        or(
          eq(emailDeliveries.status, 'pending'),
          and(eq(emailDeliveries.status, 'sending'), lt(emailDeliveries.claimedAt, new Date(now.getTime() - CLAIM_LEASE_MS))),
        ),
      ),
    )
    .returning();
  if (!claimed) return 'skipped';
  if (!isTemplateName(claimed.template)) throw new Error(`delivery ${deliveryId} names unknown template ${claimed.template}`);
  const message = render(claimed.template, claimed.data);
  try {
    await transport.sendMail({
      from: app.env.MAIL_FROM,
      to: claimed.toAddress,
      subject: message.subject,
      text: message.text,
      messageId: claimed.messageId,
      headers: { 'X-Firstbatch-Template': claimed.template },
    });
  } catch (err) {
    await app.db
      .update(emailDeliveries)
      .set({
        status: finalAttempt ? 'failed' : 'pending',
        claimedAt: null,
        lastError: String(err).slice(0, 500),
        nextAttemptAt: new Date(app.clock.now().getTime() + retryDelayMs(failedTries + 1)),
      })
      .where(eq(emailDeliveries.id, deliveryId));
    app.metrics.emails.inc({ outcome: finalAttempt ? 'failed' : 'retry' });
    throw err;
  }
  await app.db.update(emailDeliveries).set({ status: 'sent', sentAt: app.clock.now(), lastError: null }).where(eq(emailDeliveries.id, deliveryId));
  app.metrics.emails.inc({ outcome: 'sent' });
  return 'sent';
}
