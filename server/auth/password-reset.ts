import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { outbox, passwordResets, users } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import type { AppContext } from '../context';
import { AppError, unprocessable } from '../errors';
import { passwordProblems } from '../enterprises/password-policy';
import { enqueueEmail } from '../mail/enqueue';
import { hashLinkToken, linkClock, newEmailedLink } from './emailed-link';
import { hashPassword } from './password';
import { sharedLimiter } from '../http/throttle';
import type { OutboxMessage } from '../jobs/registry';
import { forgetFailures } from './login-limits';
import { storeNewPassword } from './own-password';

// A forgotten password (SPEC §7): the sign-in page's "forgot" form asks for the email address and
// always answers alike; an active account with a password is emailed a single-use link, valid for
// RESET_LINK_HOURS, to a page that sets a new one and ends every session of the account.

export const RESET_LINK_HOURS = 1;
/** Links sent per email address in an hour, from whatever clients, whether it has an account or not (the client's own budget is the route's throttle). */
export const RESETS_PER_ADDRESS_PER_HOUR = 5;

const limiters = new WeakMap<AppContext, ReturnType<typeof sharedLimiter>>();
function perAddress(app: AppContext) {
  let limiter = limiters.get(app);
  if (!limiter) {
    limiter = sharedLimiter(app, 'password-reset:address', RESETS_PER_ADDRESS_PER_HOUR, 3600);
    limiters.set(app, limiter);
  }
  return limiter;
}

/**
 * Asks for a reset link. The answer never tells whether the address has an account: every request
 * within the address's budget writes the same outbox row and nothing else, and the account is looked
 * up, the link made and the email written afterwards by the `passwordReset` job (sendResetLink), so
 * nothing the answer waits on depends on the account. Past RESETS_PER_ADDRESS_PER_HOUR for one
 * address, from whatever client, the answer is the same and nothing is sent: a 429 there would let
 * a stranger keep a person from resetting their password, and says no more than the 202 does.
 */
export async function requestPasswordReset(app: AppContext, email: string): Promise<{ linkMinutes: number }> {
  const address = email.trim().toLowerCase();
  const admitted = await perAddress(app)
    .consume(address)
    .then(() => true)
    .catch((r: unknown) => {
      if (r instanceof RateLimiterRes) return false;
      throw r;
    });
  if (admitted) {
    const message: OutboxMessage = { topic: 'passwordReset', payload: { requestId: randomUUID(), email: address } };
    await app.db.insert(outbox).values({ ...message, createdAt: app.clock.now() });
  }
  return { linkMinutes: RESET_LINK_HOURS * 60 };
}

/**
 * The work of one request, in a job: an active account with a password is sent a link, any other
 * address nothing. The request's id is the link's row id, so a job run again sends no second link.
 */
export async function sendResetLink(app: AppContext, requestId: string, email: string): Promise<boolean> {
  const link = newEmailedLink(app.env, '/password/reset', RESET_LINK_HOURS);
  return app.db.transaction(async (tx) => {
    const [account] = await tx.select().from(users).where(and(eq(users.active, true), sql`lower(${users.email}) = lower(${email})`));
    if (!account?.passwordHash) return false;
    const [made] = await tx
      .insert(passwordResets)
      .values({ id: requestId, userId: account.id, tokenHash: link.tokenHash, expiresAt: link.expiresAt })
      .onConflictDoNothing({ target: passwordResets.id })
      .returning({ id: passwordResets.id });
    if (!made) return false;
    const data = { name: account.name, link: link.url, resetBy: link.expiresAt.toISOString() };
    await enqueueEmail(tx, { to: account.email, recipientUserId: account.id, template: 'account.passwordReset', data, now: app.clock.now() });
    return true;
  });
}

const gone = (message: string) => new AppError('gone', message);

/** 404 for a link this server never sent; 410, saying why, for one that no longer works. */
async function usableReset(db: DbOrTx, token: string, lock: boolean) {
  const query = db.select({ reset: passwordResets, user: users }).from(passwordResets).innerJoin(users, eq(users.id, passwordResets.userId)).where(eq(passwordResets.tokenHash, hashLinkToken(token)));
  const [found] = lock ? await query.for('update') : await query;
  if (!found) throw new AppError('not_found', 'this password reset link is unknown; ask for a new one');
  const { reset, user } = found;
  if (reset.usedAt) throw gone('this password reset link was already used; ask for a new one if you need to');
  if (reset.revokedAt || !user.active) throw gone('this password reset link no longer works (the password was changed since, or the account was deactivated); ask for a new one');
  if (reset.expiresAt <= linkClock.now()) throw gone(`this password reset link has expired (links work for ${RESET_LINK_HOURS} hour); ask for a new one`);
  return found;
}

/** Whose password a link that still works resets (the page greets them); 404 or 410 as above. */
export async function resetFor(app: AppContext, token: string): Promise<{ email: string; name: string }> {
  const { user } = await usableReset(app.db, token, false);
  return { email: user.email, name: user.name };
}

/**
 * Sets the new password from a link: the link is used up, every session of the account ends, and
 * the account's sign-in failure counts are cleared (the client setting it may sign in at once).
 */
export async function resetPassword(app: AppContext, token: string, password: string, requestId: string | null, ip: string | null = null): Promise<void> {
  const { user } = await usableReset(app.db, token, false);
  const problems = passwordProblems('password', password, user.email);
  if (problems.length > 0) throw unprocessable('the password cannot be accepted', problems);
  const passwordHash = await hashPassword(password);
  const account = await app.db.transaction(async (tx) => {
    // the account's row first, as a change of the password locks it: the two wait, never deadlock
    await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for('update');
    // the same link sent twice at once: the second waits here and finds it used
    const { reset, user: found } = await usableReset(tx, token, true);
    await tx.update(passwordResets).set({ usedAt: linkClock.now() }).where(eq(passwordResets.id, reset.id));
    await storeNewPassword(tx, app, found, passwordHash, { event: 'reset', requestId });
    return found;
  });
  await forgetFailures(app, account.email, ip).catch((err: unknown) => app.log.warn({ err }, 'could not clear the sign-in failures after a reset'));
}
