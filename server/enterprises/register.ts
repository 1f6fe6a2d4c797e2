import { enterpriseRegistrations } from '../../db/schema';
import type { AppContext } from '../context';
import { unprocessable, type FieldError } from '../errors';
import { hashPassword } from '../auth/password';
import { newEmailedLink, publicUrl } from '../auth/emailed-link';
import { enqueueEmail } from '../mail/enqueue';
import { affiliationProblems, usccProblems } from './rules';
import { normalUscc } from '../domain/uscc';
import { passwordProblems } from './password-policy';
import { accountOf, conflictOn, firmRegistered, USCC_TAKEN } from './taken';
import type { Registration } from './schema';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textAt = (v: Record<string, unknown>, key: string): string | undefined => (typeof v[key] === 'string' ? v[key].trim() : undefined);

/**
 * What the rules (USCC check character, affiliations, password policy) refuse in a registration
 * its schema refused, on the fields that did parse and at the paths the schema left unnamed: said
 * in the same 400 as the missing fields, not after they are filled in.
 */
export function registrationProblemsBeside(body: unknown, named: readonly FieldError[]): FieldError[] {
  if (!isRecord(body)) return [];
  const firm = isRecord(body.enterprise) ? body.enterprise : {};
  const user = isRecord(body.user) ? body.user : {};
  const taken = (path: string) => named.some((e) => e.path === path || e.path.startsWith(`${path}.`));
  const typedUscc = textAt(firm, 'uscc');
  const uscc = typedUscc === undefined ? undefined : normalUscc(typedUscc);
  const affiliations = Array.isArray(firm.affiliations) && firm.affiliations.every((a) => typeof a === 'string') ? firm.affiliations.map(normalUscc) : undefined;
  const password = typeof user.password === 'string' ? user.password : undefined;
  const problems = [
    ...(uscc !== undefined && !taken('enterprise.uscc') ? usccProblems('enterprise.uscc', uscc) : []),
    ...(affiliations && uscc !== undefined && !taken('enterprise.affiliations') ? affiliationProblems('enterprise.affiliations', affiliations, uscc) : []),
    ...(password !== undefined && !taken('user.password') ? passwordProblems('user.password', password, textAt(user, 'email') ?? '') : []),
  ];
  return problems;
}

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
