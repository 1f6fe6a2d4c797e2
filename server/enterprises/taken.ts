import { eq, sql } from 'drizzle-orm';
import { enterprises, users } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import { AppError, type FieldError } from '../errors';
import { violatedUniqueIndex } from '../../db/errors';

export const USCC_TAKEN: FieldError = {
  path: 'enterprise.uscc',
  code: 'enterprise.uscc_taken',
  message: 'a firm with this unified social credit code is already registered: it applies through the account it registered with, so ask whoever holds that account at the firm',
  messageZh: '该统一社会信用代码的企业已注册：本企业通过注册时开通的账号办理申请，请联系本企业持有该账号的人员',
};
// Said only to whoever holds a confirmation link, which only the mailbox's owner can have.
export const EMAIL_TAKEN: FieldError = {
  path: 'user.email',
  code: 'user.email_taken',
  message: 'this email address already has an account; sign in instead',
  messageZh: '该邮箱已注册账号，请直接登录',
};
// the unique indexes of db/schema, so a race lost to a parallel confirmation still answers 409
const TAKEN_BY_CONSTRAINT: Record<string, FieldError> = { enterprises_uscc_key: USCC_TAKEN, users_email_key: EMAIL_TAKEN };

export const conflictOn = (errors: FieldError[]) => new AppError('conflict', `already registered: ${errors.map((e) => e.path).join(', ')}`, errors);

export async function firmRegistered(db: DbOrTx, uscc: string): Promise<boolean> {
  const [firm] = await db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.uscc, uscc));
  return firm !== undefined;
}

export async function accountOf(db: DbOrTx, email: string): Promise<{ id: string; email: string } | undefined> {
  const [account] = await db.select({ id: users.id, email: users.email }).from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return account;
}

/** The 409 a unique index gave, or undefined for any other error. */
export function takenByConstraint(err: unknown): AppError | undefined {
  const index = violatedUniqueIndex(err);
  const taken = index !== undefined && Object.hasOwn(TAKEN_BY_CONSTRAINT, index) ? TAKEN_BY_CONSTRAINT[index] : undefined;
  return taken ? conflictOn([taken]) : undefined;
}
