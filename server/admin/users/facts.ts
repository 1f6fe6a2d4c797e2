import { and, desc, eq, inArray } from 'drizzle-orm';
import { emailDeliveries, enterprises } from '../../../db/schema';
import type { ServiceContext } from '../../context';
import { requireUserAdmin } from './access';

// What the accounts list and an account's page say beside the account itself: how its latest
// invitation email fared (its email_deliveries row, as server/mail/send.ts leaves it) and, for a
// firm user, the firm's name.

/**
 * queued: waiting for its first try (or being sent); retrying: a try failed, the queue tries
 * again; failed: the last try failed, nothing more is tried; sent: the mail server took it.
 */
export type DeliveryState = 'queued' | 'retrying' | 'failed' | 'sent';

export interface InvitationDelivery {
  state: DeliveryState;
  queuedAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

type DeliveryRow = Pick<typeof emailDeliveries.$inferSelect, 'status' | 'createdAt' | 'sentAt' | 'attempts' | 'lastError'>;

export function deliveryState(d: Pick<DeliveryRow, 'status' | 'lastError'>): DeliveryState {
  if (d.status === 'sent') return 'sent';
  if (d.status === 'failed') return 'failed';
  return d.lastError ? 'retrying' : 'queued';
}

const deliveryView = (d: DeliveryRow): InvitationDelivery => ({
  state: deliveryState(d),
  queuedAt: d.createdAt.toISOString(),
  sentAt: d.sentAt?.toISOString() ?? null,
  attempts: d.attempts,
  lastError: d.lastError,
});

/** The latest invitation email of each account, by account id; an account never invited has none. */
export async function invitationDeliveriesOf(ctx: ServiceContext, userIds: readonly string[]): Promise<Map<string, InvitationDelivery>> {
  requireUserAdmin(ctx);
  if (userIds.length === 0) return new Map();
  const rows = await ctx.app.db
    .selectDistinctOn([emailDeliveries.recipientUserId], {
      userId: emailDeliveries.recipientUserId,
      status: emailDeliveries.status,
      createdAt: emailDeliveries.createdAt,
      sentAt: emailDeliveries.sentAt,
      attempts: emailDeliveries.attempts,
      lastError: emailDeliveries.lastError,
    })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.template, 'user.invitation'), inArray(emailDeliveries.recipientUserId, [...userIds])))
    .orderBy(emailDeliveries.recipientUserId, desc(emailDeliveries.createdAt), desc(emailDeliveries.id));
  return new Map(rows.flatMap((r) => (r.userId ? [[r.userId, deliveryView(r)] as const] : [])));
}

/** The names of the firms these firm users belong to, by firm id. */
export async function firmNamesOf(ctx: ServiceContext, enterpriseIds: readonly (string | null)[]): Promise<Map<string, string>> {
  requireUserAdmin(ctx);
  const ids = [...new Set(enterpriseIds.filter((x): x is string => x !== null))];
  if (ids.length === 0) return new Map();
  const rows = await ctx.app.db.select({ id: enterprises.id, name: enterprises.name }).from(enterprises).where(inArray(enterprises.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
