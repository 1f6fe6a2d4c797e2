import { enterpriseRegistrations } from '../../db/schema';
import type { AppContext } from '../context';
import { unprocessable } from '../errors';
import { hashPassword } from '../auth/password';
import { newEmailedLink, publicUrl } from '../auth/emailed-link';
import { enqueueEmail } from '../mail/enqueue';
import { affiliationProblems, usccProblems } from './rules';
import { passwordProblems } from './password-policy';
import { accountOf, conflictOn, firmRegistered, USCC_TAKEN } from './taken';
import type { Registration } from './schema';

/**
 * A firm registers itself and its first user (SPEC §2, §7), in two steps so that the answer never
 * tells whether an email address has an account: here every acceptable registration answers
 * alike, and the mailbox learns the rest — a confirmation link when the address is free (nothing
 * is created before it is used), a notice to the owner when it already has an account.
 */
export async function registerEnterprise(app: AppContext, body: Registration) {
  const { enterprise: firm, user } = body;
  const problems = [
    ...usccProblems('enterprise.uscc', firm.uscc),
    ...affiliationProblems('enterprise.affiliations', firm.affiliations, firm.uscc),
    ...passwordProblems('user.password', user.password, user.email),
  ];
  if (problems.length > 0) throw unprocessable('the registration cannot be accepted', problems);
  // a registered firm is public knowledge; refused before the slow hash, whatever the email
  if (await firmRegistered(app.db, firm.uscc)) throw conflictOn([USCC_TAKEN]);
  // hashed for a taken email too, so that both answers take as long
  const passwordHash = await hashPassword(user.password);
  const { tokenHash, url, expiresAt } = newEmailedLink(app.env, '/register/confirm');
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    const owner = await accountOf(tx, user.email);
    if (owner) {
      const data = { uscc: firm.uscc, link: publicUrl(app.env, '/login'), confirmBy: '' };
      await enqueueEmail(tx, { to: owner.email, recipientUserId: owner.id, template: 'registration.emailTaken', data, now });
      return;
    }
    await tx.insert(enterpriseRegistrations).values({ tokenHash, email: user.email, userName: user.name, passwordHash, enterprise: firm, expiresAt });
    // the delivery keeps the link until it is sent: the outbox renders mail when it sends it
    const data = { uscc: firm.uscc, link: url, confirmBy: expiresAt.toISOString() };
    await enqueueEmail(tx, { to: user.email, template: 'registration.confirm', data, now });
  });
  return { email: user.email, confirmBy: expiresAt.toISOString() };
}
