import { and, asc, count, desc, eq, gt, isNotNull, isNull, lte } from 'drizzle-orm';
import { catalogueEditions, emailDeliveries, rounds, users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { requireAdmin } from '../rounds/access';

// What an administrator's 工作台 shows at a glance: invitations not yet accepted, emails that did
// not leave (email_deliveries, as server/mail/send.ts leaves them), the rounds open now by the
// programme's clock, and the catalogue edition in force.

const counted = async (rows: Promise<{ n: number }[]>) => (await rows)[0]?.n ?? 0;

export async function adminOverview(ctx: ServiceContext) {
  requireAdmin(ctx, 'see the administration overview');
  const db = ctx.app.db;
  const now = ctx.app.clock.now();
  const pendingInvitations = await counted(db.select({ n: count() }).from(users).where(and(eq(users.active, true), isNull(users.passwordHash))));
  // failed: the last try failed, nothing more is tried; retrying: a try failed, the queue tries again
  const failedEmails = await counted(db.select({ n: count() }).from(emailDeliveries).where(eq(emailDeliveries.status, 'failed')));
  const retryingEmails = await counted(db.select({ n: count() }).from(emailDeliveries).where(and(eq(emailDeliveries.status, 'pending'), isNotNull(emailDeliveries.lastError))));
  const openRounds = await db
    .select({ id: rounds.id, name: rounds.name, closesAt: rounds.closesAt })
    .from(rounds)
    .where(and(lte(rounds.opensAt, now), gt(rounds.closesAt, now)))
    .orderBy(asc(rounds.closesAt), asc(rounds.name));
  const [edition] = await db
    .select({ id: catalogueEditions.id, year: catalogueEditions.year, docNumber: catalogueEditions.docNumber, effectiveOn: catalogueEditions.effectiveOn })
    .from(catalogueEditions)
    .where(eq(catalogueEditions.status, 'published'))
    .orderBy(desc(catalogueEditions.year), desc(catalogueEditions.effectiveOn))
    .limit(1);
  return {
    pendingInvitations,
    failedEmails,
    retryingEmails,
    openRounds: openRounds.map((r) => ({ ...r, closesAt: r.closesAt.toISOString() })),
    edition: edition ?? null,
  };
}
