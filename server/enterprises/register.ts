import { eq, sql } from 'drizzle-orm';
import { enterprises, users } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import type { AppContext } from '../context';
import { AppError, unprocessable, type FieldError } from '../errors';
import { hashPassword } from '../auth/password';
import { affiliationProblems, usccProblems } from './rules';
import { passwordProblems } from './password-policy';
import { enterpriseView } from './present';
import type { Registration } from './schema';

const USCC_TAKEN: FieldError = {
  path: 'enterprise.uscc',
  code: 'enterprise.uscc_taken',
  message: 'a firm with this unified social credit code is already registered; ask its staff or the provincial department for an account',
  messageZh: '该统一社会信用代码的企业已注册，请联系本企业已有账号人员或省经信厅开通账号',
};
const EMAIL_TAKEN: FieldError = {
  path: 'user.email',
  code: 'user.email_taken',
  message: 'this email address already has an account; sign in instead',
  messageZh: '该邮箱已注册账号，请直接登录',
};
// the unique indexes of db/schema, so a race lost to a parallel registration still answers 409
const TAKEN_BY_CONSTRAINT: Record<string, FieldError> = { enterprises_uscc_key: USCC_TAKEN, users_email_key: EMAIL_TAKEN };

/** A firm registers itself and its first user, who can then sign in (SPEC §2, §7). */
export async function registerEnterprise(app: AppContext, body: Registration) {
  const { enterprise: firm, user } = body;
  const problems = [
    ...usccProblems('enterprise.uscc', firm.uscc),
    ...affiliationProblems('enterprise.affiliations', firm.affiliations, firm.uscc),
    ...passwordProblems('user.password', user.password, user.email),
  ];
  if (problems.length > 0) throw unprocessable('the registration cannot be accepted', problems);
  // scrypt is slow on purpose: refuse what a lookup can refuse first, and hash before the
  // transaction so that no row lock waits on it (the transaction looks again, for a race)
  await refuseTaken(app.db, firm.uscc, user.email);
  const passwordHash = await hashPassword(user.password);
  const now = app.clock.now();
  try {
    return await app.db.transaction(async (tx) => {
      await refuseTaken(tx, firm.uscc, user.email);
      const [row] = await tx
        .insert(enterprises)
        .values({ ...firm, bankName: firm.bankName ?? '', bankAccount: firm.bankAccount ?? '', createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('enterprise insert returned nothing');
      const [account] = await tx
        .insert(users)
        .values({ email: user.email, name: user.name, passwordHash, roles: ['firm'], enterpriseId: row.id, createdAt: now })
        .returning();
      if (!account) throw new Error('user insert returned nothing');
      const { id, email, name, roles } = account;
      return { enterprise: enterpriseView(row), user: { id, email, name, roles: [...roles], enterpriseId: row.id } };
    });
  } catch (err) {
    const taken = TAKEN_BY_CONSTRAINT[violatedUniqueConstraint(err) ?? ''];
    if (taken) throw conflictOn([taken]);
    throw err;
  }
}

async function refuseTaken(tx: DbOrTx, uscc: string, email: string) {
  const [firm] = await tx.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.uscc, uscc));
  const [account] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${email})`);
  const taken = [...(firm ? [USCC_TAKEN] : []), ...(account ? [EMAIL_TAKEN] : [])];
  if (taken.length > 0) throw conflictOn(taken);
}

const conflictOn = (errors: FieldError[]) => new AppError('conflict', `already registered: ${errors.map((e) => e.path).join(', ')}`, errors);

/** drizzle wraps the driver's error; Postgres names the unique index that refused the row. */
function violatedUniqueConstraint(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++, e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name } = e as { code?: string; constraint_name?: string };
    if (code === '23505') return constraint_name;
  }
  return undefined;
}
