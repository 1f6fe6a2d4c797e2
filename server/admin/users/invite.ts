import { and, eq, isNull } from 'drizzle-orm';
import { userInvitations } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import type { ServiceContext } from '../../context';
import { AppError } from '../../errors';
import { linkClock, newEmailedLink } from '../../auth/emailed-link';
import { enqueueEmail } from '../../mail/enqueue';
import { roleNames } from '../../domain/roles';
import { loadUser, requireUserAdmin } from './access';
import type { UserRow } from './present';

/**
 * Sends an account its invitation (SPEC §7): a single-use link, valid 72 hours, whose token only
 * the email carries. A link sent before is revoked first, so only the newest one works.
 */
export async function issueInvitation(tx: Tx, ctx: ServiceContext, user: UserRow) {
  const link = newEmailedLink(ctx.app.env, '/invitation');
  await revokePendingInvitations(tx, user.id);
  await tx.insert(userInvitations).values({ userId: user.id, tokenHash: link.tokenHash, invitedBy: ctx.user.id, createdAt: linkClock.now(), expiresAt: link.expiresAt });
  const data = {
    name: user.name,
    // each language's text names the roles in its own words
    roleNames: user.roles.map((r) => roleNames[r].zh).join('、'),
    roleNamesEn: user.roles.map((r) => roleNames[r].en).join(', '),
    link: link.url,
    acceptBy: link.expiresAt.toISOString(),
  };
  // the delivery keeps the link until it is sent: the outbox renders mail when it sends it
  await enqueueEmail(tx, { to: user.email, recipientUserId: user.id, template: 'user.invitation', data, now: ctx.app.clock.now() });
  return { email: user.email, expiresAt: link.expiresAt.toISOString() };
}

export async function revokePendingInvitations(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(userInvitations)
    .set({ revokedAt: linkClock.now() })
    .where(and(eq(userInvitations.userId, userId), isNull(userInvitations.acceptedAt), isNull(userInvitations.revokedAt)));
}

const refuse = (code: string, message: string, messageZh: string) => new AppError('conflict', message, [{ path: 'id', code, message, messageZh }]);

/** An administrator sends a new link to someone who has not set a password yet; the old link dies. */
export async function resendInvitation(ctx: ServiceContext, id: string) {
  requireUserAdmin(ctx);
  return ctx.app.db.transaction(async (tx) => {
    const user = await loadUser(tx, id, true);
    if (!user.active) throw refuse('user.inactive', 'this account is deactivated; reactivate it before inviting', '该账号已停用，请先启用再发送邀请');
    if (user.passwordHash !== null) {
      throw refuse('user.invitation_accepted', 'this account already has a password; an invitation is only for accounts that have none yet', '该账号已设置密码，无需再发送邀请');
    }
    return issueInvitation(tx, ctx, user);
  });
}
