import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { emailDeliveries } from '../../db/schema';

/** The tokens of the confirmation links emailed to `email`, oldest first: what its owner would click. */
export async function confirmationTokensFor(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .select({ data: emailDeliveries.data })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.toAddress, email), eq(emailDeliveries.template, 'registration.confirm')))
    .orderBy(asc(emailDeliveries.createdAt));
  return rows.map((r) => new URL(r.data.link ?? '').searchParams.get('token') ?? '');
}

/** The templates of every email queued for `email`, oldest first. */
export async function emailsTo(db: Db, email: string): Promise<string[]> {
  const rows = await db.select({ template: emailDeliveries.template }).from(emailDeliveries).where(eq(emailDeliveries.toAddress, email)).orderBy(asc(emailDeliveries.createdAt));
  return rows.map((r) => r.template);
}

/** The tokens of the invitation links emailed to `email`, oldest first. */
export async function invitationTokensFor(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .select({ data: emailDeliveries.data })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.toAddress, email), eq(emailDeliveries.template, 'user.invitation')))
    .orderBy(asc(emailDeliveries.createdAt));
  return rows.map((r) => new URL(r.data.link ?? '').searchParams.get('token') ?? '');
}
