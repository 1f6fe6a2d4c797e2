import { and, eq, isNull } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';

/**
 * Marks one of the person's notifications read (again: it stays read at the first time). Another
 * person's notification is not found, as if it did not exist.
 */
export async function markNotificationRead(ctx: ServiceContext, id: string): Promise<{ id: string; readAt: string }> {
  const now = ctx.app.clock.now();
  const [row] = await ctx.app.db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.userId, ctx.user.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id, readAt: notifications.readAt });
  if (row?.readAt) return { id: row.id, readAt: row.readAt.toISOString() };
  const [read] = await ctx.app.db
    .select({ id: notifications.id, readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, ctx.user.id)));
  if (!read?.readAt) throw notFound('notification');
  return { id: read.id, readAt: read.readAt.toISOString() };
}

/** Marks every unread notification of the person read; says how many were. */
export async function markAllNotificationsRead(ctx: ServiceContext): Promise<{ marked: number }> {
  const rows = await ctx.app.db
    .update(notifications)
    .set({ readAt: ctx.app.clock.now() })
    .where(and(eq(notifications.userId, ctx.user.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: rows.length };
}
