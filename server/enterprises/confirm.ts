import { and, eq, gt, isNull } from 'drizzle-orm';
import { enterpriseRegistrations, enterprises, users } from '../../db/schema';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { enterpriseView } from './present';
import { hashLinkToken, linkClock } from '../auth/emailed-link';
import { accountOf, conflictOn, EMAIL_TAKEN, firmRegistered, takenByConstraint, USCC_TAKEN } from './taken';

/**
 * The emailed link is used: the firm and its first user are created from the registration, who
 * can then sign in. A link works once, for 72 hours; the firm or the email may have been taken
 * meanwhile (409), and only now, to the mailbox's holder, is the email named.
 */
export async function confirmRegistration(app: AppContext, token: string) {
  const now = app.clock.now();
  try {
    return await app.db.transaction(async (tx) => {
      const [pending] = await tx
        .select()
        .from(enterpriseRegistrations)
        .where(and(eq(enterpriseRegistrations.tokenHash, hashLinkToken(token)), isNull(enterpriseRegistrations.confirmedAt), gt(enterpriseRegistrations.expiresAt, linkClock.now())))
        .for('update');
      if (!pending) throw new AppError('not_found', 'this confirmation link is unknown, already used or expired; register again');
      const { enterprise: firm } = pending;
      const taken = [...((await firmRegistered(tx, firm.uscc)) ? [USCC_TAKEN] : []), ...((await accountOf(tx, pending.email)) ? [EMAIL_TAKEN] : [])];
      if (taken.length > 0) throw conflictOn(taken);
      const [row] = await tx
        .insert(enterprises)
        .values({ ...firm, bankName: firm.bankName ?? '', bankAccount: firm.bankAccount ?? '', createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('enterprise insert returned nothing');
      const [account] = await tx
        .insert(users)
        .values({ email: pending.email, name: pending.userName, passwordHash: pending.passwordHash, roles: ['firm'], enterpriseId: row.id, createdAt: now })
        .returning();
      if (!account) throw new Error('user insert returned nothing');
      await tx.update(enterpriseRegistrations).set({ confirmedAt: linkClock.now() }).where(eq(enterpriseRegistrations.id, pending.id));
      const { id, email, name, roles } = account;
      return { enterprise: enterpriseView(row), user: { id, email, name, roles: [...roles], enterpriseId: row.id } };
    });
  } catch (err) {
    throw takenByConstraint(err) ?? err;
  }
}
