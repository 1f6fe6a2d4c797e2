import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { emailDeliveries, outbox } from '../../db/schema';
import type { AppContext } from '../../server/context';
import { jobs } from '../../server/jobs/registry';

/**
 * Does what the workers would for the reset requests waiting in the outbox: runs the
 * `passwordReset` job of each (the real handler, on the real database) and marks its row relayed.
 * Files without workers call it before they look for the emailed links; only the requests for
 * `emails` are run, so that files sharing a database do not run each other's.
 */
export async function runResetRequests(app: AppContext, emails: readonly string[]): Promise<number> {
  const addresses = emails.map((e) => e.trim().toLowerCase());
  const rows = await app.db.transaction(async (tx) => {
    const pending = await tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.topic, 'passwordReset'), isNull(outbox.enqueuedAt), inArray(sql<string>`${outbox.payload}->>'email'`, addresses)))
      .orderBy(asc(outbox.id))
      .for('update', { skipLocked: true });
    if (pending.length > 0) await tx.update(outbox).set({ enqueuedAt: new Date() }).where(inArray(outbox.id, pending.map((r) => r.id)));
    return pending;
  });
  for (const row of rows) {
    const payload = jobs.passwordReset.payload.parse(row.payload);
    await jobs.passwordReset.handle({ app, transport: undefined as never }, payload, undefined as never);
  }
  return rows.length;
}

/** The reset links emailed to an address, oldest first, as their tokens (after running its waiting requests). */
export async function resetTokensFor(app: AppContext, email: string): Promise<string[]> {
  await runResetRequests(app, [email]);
  const rows = await app.db
    .select({ data: emailDeliveries.data })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.toAddress, email), eq(emailDeliveries.template, 'account.passwordReset')))
    .orderBy(asc(emailDeliveries.createdAt));
  return rows.map((r) => new URL(r.data.link ?? '').searchParams.get('token') ?? '');
}
