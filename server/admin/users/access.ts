import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import type { ServiceContext } from '../../context';
import { AppError, notFound } from '../../errors';
import { requireAdmin } from '../../rounds/access';
import { violatedUniqueIndex } from '../../../db/errors';

export const requireUserAdmin = (ctx: ServiceContext) => requireAdmin(ctx, 'manage user accounts');

export async function loadUser(db: DbOrTx, id: string, lock = false) {
  const query = db.select().from(users).where(eq(users.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('user');
  return row;
}

export function emailTaken(email: string) {
  const message = `an account with the email address ${email} already exists (letter case does not matter)`;
  return new AppError('conflict', message, [{ path: 'email', code: 'user.email_taken', message, messageZh: `邮箱 ${email} 已有账号（不区分大小写）` }]);
}

/** The 409 for an address another account took meanwhile: users_email_key is on lower(email). */
export function takenEmailOf(err: unknown, email: string | undefined): AppError | undefined {
  return email !== undefined && violatedUniqueIndex(err) === 'users_email_key' ? emailTaken(email) : undefined;
}
