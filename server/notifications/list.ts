import { desc, eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { ServiceContext } from '../context';

export async function listNotifications(ctx: ServiceContext) {
  const rows = await ctx.app.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, ctx.user.id))
    .orderBy(desc(notifications.createdAt))
    .limit(100);
  return {
    items: rows.map((n) => ({
      id: n.id,
      caseId: n.ownerKind === 'case' ? n.ownerId : null,
      template: n.template,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
  };
}
