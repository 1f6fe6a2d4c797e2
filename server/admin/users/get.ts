import { desc, eq } from 'drizzle-orm';
import { userInvitations } from '../../../db/schema';
import type { ServiceContext } from '../../context';
import { loadUser, requireUserAdmin } from './access';
import { listUserChanges } from './changes';
import { invitationView, userView } from './present';

/** One account with its latest invitation and its recorded changes, newest first. */
export async function getUser(ctx: ServiceContext, id: string) {
  requireUserAdmin(ctx);
  const user = await loadUser(ctx.app.db, id);
  const [invitation] = await ctx.app.db.select().from(userInvitations).where(eq(userInvitations.userId, id)).orderBy(desc(userInvitations.createdAt)).limit(1);
  return { ...userView(user), invitation: invitation ? invitationView(invitation) : null, changes: await listUserChanges(ctx, id) };
}
