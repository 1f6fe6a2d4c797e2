import { and, eq, isNull, ne } from 'drizzle-orm';
import { loginAttempts, passwordResets, sessions, users } from '../../db/schema';
import type { Tx } from '../../db/client';
import type { AppContext, ServiceContext } from '../context';
import { AppError, unprocessable, type FieldError } from '../errors';
import { passwordProblems } from '../enterprises/password-policy';
import { recordUserChange } from '../admin/users/changes';
import { enqueueEmail } from '../mail/enqueue';
import { linkClock, publicUrl } from './emailed-link';
import { admitSignIn, uncheckedIfBusy } from './login-limits';
import { hashPassword, verifyPassword } from './password';

// A signed-in person changes their own password (SPEC §7): the current one is asked for and
// checked as a sign-in is, on the same failure counts (login-limits.ts), so the form cannot be
// used to guess it. Afterwards the person's other sessions end, this one stays, and an email
// tells the mailbox, in case it was not them.

const wrongCurrent: FieldError = { path: 'currentPassword', code: 'password.wrong_current', message: 'the current password is wrong', messageZh: '当前密码不正确' };
const unchanged = (path: string): FieldError => ({ path, code: 'password.unchanged', message: 'choose a password other than the current one', messageZh: '新密码不能与当前密码相同' });

const changedMeanwhile: FieldError = {
  path: 'currentPassword',
  code: 'password.changed_meanwhile',
  message: 'the password was changed meanwhile; sign in again with the new one',
  messageZh: '密码已在此期间被修改，请用新密码重新登录',
};

export type PasswordEvent = 'changed' | 'reset';

/**
 * Writes the new hash, ends the account's sessions (all, or all but `keepTokenHash`) and its
 * outstanding reset links, records the change and tells the mailbox — in one transaction.
 */
export async function storeNewPassword(
  tx: Tx,
  app: AppContext,
  who: { id: string; email: string; name: string },
  passwordHash: string,
  how: { event: PasswordEvent; requestId: string | null; keepTokenHash?: string },
): Promise<void> {
  const wall = linkClock.now();
  await tx.update(users).set({ passwordHash }).where(eq(users.id, who.id));
  const mine = and(eq(sessions.userId, who.id), isNull(sessions.revokedAt));
  await tx.update(sessions).set({ revokedAt: wall }).where(how.keepTokenHash ? and(mine, ne(sessions.tokenHash, how.keepTokenHash)) : mine);
  await tx
    .update(passwordResets)
    .set({ revokedAt: wall })
    .where(and(eq(passwordResets.userId, who.id), isNull(passwordResets.usedAt), isNull(passwordResets.revokedAt)));
  const now = app.clock.now();
  await recordUserChange(tx, { userId: who.id, changedBy: who.id, requestId: how.requestId, before: {}, after: { password: how.event }, at: now });
  const data = { name: who.name, changedAt: wall.toISOString(), link: publicUrl(app.env, '/password/forgot') };
  await enqueueEmail(tx, { to: who.email, recipientUserId: who.id, template: 'account.passwordChanged', data, now });
}

/**
 * 422 naming each field's problem (a wrong current password, a weak or unchanged new one); 429 once
 * the sign-in failure limit of the account from this address is spent.
 */
export async function changeOwnPassword(ctx: ServiceContext, input: { currentPassword: string; newPassword: string }, session: { tokenHash: string | null; ip: string | null }) {
  const { app, user } = ctx;
  const [row] = await app.db.select().from(users).where(eq(users.id, user.id));
  if (!row?.passwordHash) throw new AppError('unauthenticated', 'the account has no password');
  const problems = passwordProblems('newPassword', input.newPassword, row.email);
  // counted before the check, as a sign-in is: a wrong guess here is a failed sign-in
  const attempt = await admitSignIn(app, row.email, session.ip);
  const ok = await uncheckedIfBusy(attempt, verifyPassword(input.currentPassword, row.passwordHash));
  if (!ok) {
    await app.db.insert(loginAttempts).values({ email: row.email, ip: session.ip, succeeded: false, at: linkClock.now() });
    throw unprocessable('the password cannot be changed', [wrongCurrent, ...problems]);
  }
  await attempt.succeeded();
  if (problems.length === 0 && input.newPassword.normalize('NFKC') === input.currentPassword.normalize('NFKC')) problems.push(unchanged('newPassword'));
  if (problems.length > 0) throw unprocessable('the password cannot be changed', problems);
  const passwordHash = await hashPassword(input.newPassword);
  // hashed before the transaction; inside it the row is locked and compared with the one checked
  // against: a change or reset made meanwhile wins, and this one is refused
  await app.db.transaction(async (tx) => {
    const [now] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).for('update');
    if (session.tokenHash) {
      const [live] = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.tokenHash, session.tokenHash), isNull(sessions.revokedAt)));
      if (!live) throw new AppError('unauthenticated', 'this session has ended (the password was reset meanwhile); sign in again');
    }
    if (now?.passwordHash !== row.passwordHash) throw unprocessable('the password cannot be changed', [changedMeanwhile]);
    await storeNewPassword(tx, app, row, passwordHash, { event: 'changed', requestId: ctx.requestId, ...(session.tokenHash ? { keepTokenHash: session.tokenHash } : {}) });
  });
}
