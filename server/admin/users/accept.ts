import { and, eq, isNull } from 'drizzle-orm';
import { userInvitations, users } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import type { AppContext } from '../../context';
import { AppError, unprocessable } from '../../errors';
import { hashPassword } from '../../auth/password';
import { hashLinkToken, linkClock } from '../../auth/emailed-link';
import { passwordProblems } from '../../enterprises/password-policy';
import { recordUserChange } from './changes';

type Invitation = typeof userInvitations.$inferSelect;

const gone = (message: string) => new AppError('gone', message);

/** 404 for a link this server never sent; 410, saying why, for one that no longer works. */
async function usableInvitation(db: DbOrTx, token: string, lock: boolean) {
  const query = db.select({ invitation: userInvitations, user: users }).from(userInvitations).innerJoin(users, eq(users.id, userInvitations.userId)).where(eq(userInvitations.tokenHash, hashLinkToken(token)));
  const [found] = lock ? await query.for('update') : await query;
  if (!found) throw new AppError('not_found', 'this invitation link is unknown; use the link of the latest invitation email');
  const { invitation, user } = found;
  refuseDead(invitation, user.active);
  return found;
}

function refuseDead(invitation: Invitation, active: boolean): void {
  if (invitation.acceptedAt) throw gone('this invitation link was already used; sign in with the password you set');
  if (invitation.revokedAt || !active) throw gone('this invitation link was withdrawn (a newer one was sent, or the account was deactivated); use the latest invitation email or ask your administrator');
  if (invitation.expiresAt <= linkClock.now()) throw gone('this invitation link has expired (links work for 72 hours); ask your administrator to send a new one');
}

/** Whom a link that still works invites (the invitation page greets them); 404 or 410 as below. */
export async function invitedBy(app: AppContext, token: string): Promise<{ email: string; name: string }> {
  const { user } = await usableInvitation(app.db, token, false);
  return { email: user.email, name: user.name };
}

/**
 * The invited staff member sets a password from the emailed link (SPEC §7), which activates the
 * account: it can sign in from now on, and the link never works again.
 */
export async function acceptInvitation(app: AppContext, token: string, password: string, requestId: string) {
  const { user } = await usableInvitation(app.db, token, false);
  const problems = passwordProblems('password', password, user.email);
  if (problems.length > 0) throw unprocessable('the password cannot be accepted', problems);
  const passwordHash = await hashPassword(password);
  return app.db.transaction(async (tx) => {
    // the same link sent twice at once: the second waits here and finds it used
    const { invitation } = await usableInvitation(tx, token, true);
    const now = linkClock.now();
    const [updated] = await tx.update(users).set({ passwordHash }).where(and(eq(users.id, invitation.userId), isNull(users.passwordHash))).returning();
    if (!updated) throw gone('this account already has a password; sign in with it');
    await tx.update(userInvitations).set({ acceptedAt: now }).where(eq(userInvitations.id, invitation.id));
    await recordUserChange(tx, { userId: updated.id, changedBy: updated.id, requestId, before: { status: 'invited' }, after: { status: 'active' }, at: app.clock.now() });
    return { id: updated.id, email: updated.email, name: updated.name, roles: [...updated.roles] };
  });
}
