import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { AppContext, ServiceContext } from '../context';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import type { NotificationsQuery } from './schema';

type Row = typeof notifications.$inferSelect;

/** Where a notification leads in the pages: the link its email carries, else its owner's page. */
function pathOf(n: Row): string | null {
  const link = n.data.link;
  if (link) {
    try {
      const u = new URL(link, 'http://local');
      return `${u.pathname}${u.search}${n.ownerKind === 'claim' ? `#claim-${n.ownerId ?? ''}` : u.hash}`;
    } catch {
      // an old row's link that is no URL: the owner's page below
    }
  }
  if (!n.ownerId) return null;
  if (n.ownerKind === 'case') return `/cases/${n.ownerId}`;
  if (n.ownerKind === 'batch') return `/money/batches/${n.ownerId}`;
  if (n.ownerKind === 'notice') return `/notices/${n.ownerId}`;
  return null;
}

export const notificationView = (n: Row) => ({
  id: n.id,
  caseId: n.ownerKind === 'case' ? n.ownerId : null,
  path: pathOf(n),
  template: n.template,
  title: n.title,
  body: n.body,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

/** The person's own notifications, newest first, keyset-paginated on (created_at, id). */
export async function listNotifications(ctx: ServiceContext, q: NotificationsQuery) {
  const rows = await ctx.app.db
    .select({ n: notifications, cursorTime: cursorTime(notifications.createdAt) })
    .from(notifications)
    .where(and(eq(notifications.userId, ctx.user.id), q.cursor ? afterCursor(q.cursor, notifications.createdAt, notifications.id) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => notificationView(r.n)),
    unread: await unreadCount(ctx.app, ctx.user.id),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorTime, id: last.n.id }) : null,
  };
}

/** How many of the person's notifications are unread: one count on the partial index notifications_unread_idx, for the header of every page. */
export async function unreadCount(app: AppContext, userId: string): Promise<number> {
  const [row] = await app.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}
