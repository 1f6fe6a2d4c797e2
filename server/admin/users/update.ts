import { and, eq, isNull } from 'drizzle-orm';
import { passwordResets, sessions, users } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import type { ServiceContext } from '../../context';
import { unprocessable, type FieldError } from '../../errors';
import { systemClock } from '../../clock';
import { accountOf } from '../../enterprises/taken';
import { emailTaken, loadUser, requireUserAdmin, takenEmailOf } from './access';
import { assertAdminsRemain, assertNotSelfLockout, lockAdmins } from './admins';
import { diff, recordUserChange } from './changes';
import { issueInvitation, revokePendingInvitations } from './invite';
import { RECORDED, shapeOf, userView, type Recorded, type UserRow } from './present';
import { accountProblems } from './rules';
import { releaseTasksOf } from '../../tasks/claim';
import type { UserPatch } from './schema';

// A firm's account belongs to its firm (SPEC §3): its role and firm are fixed at registration.
const FIRM_FIXED = ['roles', 'city', 'insurerId', 'organisationUscc', 'organisationName', 'affiliations'] as const;

function firmProblems(patch: UserPatch): FieldError[] {
  return FIRM_FIXED.filter((k) => patch[k] !== undefined).map((k) => ({
    path: k,
    code: 'user.firm_account',
    message: "a firm user's roles and scope come from the firm's registration; only name, email and active can be changed",
    messageZh: '企业账号的角色和范围由企业注册确定，只能修改姓名、邮箱和启用状态',
  }));
}

/**
 * An administrator edits an account (SPEC §7): roles and scope, affiliations, name and email, or
 * deactivates it, which ends every session of the user at once.
 */
export async function updateUser(ctx: ServiceContext, id: string, patch: UserPatch) {
  requireUserAdmin(ctx);
  try {
    return await ctx.app.db.transaction(async (tx) => {
      await lockAdmins(tx);
      const before = await loadUser(tx, id, true);
      const after: Recorded = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      const problems = before.roles.includes('firm') ? firmProblems(patch) : await accountProblems(tx, shapeOf(after));
      if (problems.length > 0) throw unprocessable('the account cannot be changed', problems);
      assertNotSelfLockout(ctx, id, after);
      const other = patch.email === undefined ? undefined : await accountOf(tx, patch.email);
      if (patch.email !== undefined && other && other.id !== id) throw emailTaken(patch.email);
      await assertAdminsRemain(tx, id, before, after);
      const change = diff<Recorded>(before, after, RECORDED);
      if (!change.changed) return userView(before);
      const now = ctx.app.clock.now();
      const [updated] = await tx.update(users).set(Object.fromEntries(RECORDED.map((k) => [k, after[k]]))).where(eq(users.id, id)).returning();
      if (!updated) throw new Error('user vanished under its row lock');
      if (!after.active || ['roles', 'city', 'insurerId'].some((k) => k in change.after)) await releaseTasksOf(tx, id);
      // a reset link works for the account and the mailbox it was sent to: not after either changes
      if ((before.active && !after.active) || updated.email !== before.email) await revokeResetLinks(tx, id);
      if (before.active && !after.active) await endAccess(tx, updated);
      // a link mailed to a mistyped address must not open the account: the invitation follows the address
      else if (updated.email !== before.email && updated.active && updated.passwordHash === null) await issueInvitation(tx, ctx, updated);
      await recordUserChange(tx, { userId: id, changedBy: ctx.user.id, requestId: ctx.requestId, before: change.before, after: change.after, at: now });
      return userView(updated);
    });
  } catch (err) {
    throw takenEmailOf(err, patch.email) ?? err;
  }
}

/** A deactivated user is signed out everywhere, and an unused invitation dies with it. */
async function endAccess(tx: Tx, user: UserRow): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: systemClock.now() })
    .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
  await revokePendingInvitations(tx, user.id);
}

/** Outstanding password reset links die: one sent before a deactivation must not work after a reactivation, nor one sent to a replaced address. */
async function revokeResetLinks(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(passwordResets)
    .set({ revokedAt: systemClock.now() })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt), isNull(passwordResets.revokedAt)));
}
