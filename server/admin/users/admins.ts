import { and, count, eq, ne, sql } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import type { ServiceContext } from '../../context';
import { AppError, unprocessable, type FieldError } from '../../errors';
import type { Recorded } from './present';

// Administrators must not lock everybody out: nobody deactivates themselves or drops their own
// admin role, and the last active administrator stays one. Two administrators removing each
// other at the same moment would each see the other still there; every account edit therefore
// queues on one lock, taken before the edited row is read.
const ADMINS_LOCK = sql`select pg_advisory_xact_lock(hashtext('firstbatch.admins'))`;

export const lockAdmins = (tx: Tx) => tx.execute(ADMINS_LOCK);

const isActiveAdmin = (u: Pick<Recorded, 'roles' | 'active'>) => u.active && u.roles.includes('admin');

export function selfProblems(ctx: ServiceContext, id: string, after: Pick<Recorded, 'roles' | 'active'>): FieldError[] {
  if (id !== ctx.user.id) return [];
  const problems: FieldError[] = [];
  if (!after.active) {
    problems.push({ path: 'active', code: 'user.self_deactivate', message: 'you cannot deactivate your own account; ask another administrator', messageZh: '不能停用自己的账号，请由其他管理员操作' });
  }
  if (!after.roles.includes('admin')) {
    problems.push({ path: 'roles', code: 'user.self_admin', message: 'you cannot remove your own administrator role; ask another administrator', messageZh: '不能取消自己的管理员角色，请由其他管理员操作' });
  }
  return problems;
}

export function assertNotSelfLockout(ctx: ServiceContext, id: string, after: Pick<Recorded, 'roles' | 'active'>): void {
  const problems = selfProblems(ctx, id, after);
  if (problems.length > 0) throw unprocessable('an administrator cannot lock themselves out', problems);
}

/** Call under lockAdmins: refuses an edit that would leave no active administrator. */
export async function assertAdminsRemain(tx: Tx, id: string, before: Pick<Recorded, 'roles' | 'active'>, after: Pick<Recorded, 'roles' | 'active'>) {
  if (!isActiveAdmin(before) || isActiveAdmin(after)) return;
  const [others] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(ne(users.id, id), eq(users.active, true), sql`'admin' = any(${users.roles})`));
  if ((others?.n ?? 0) === 0) {
    const message = 'this is the last active administrator; make someone else an administrator first';
    throw new AppError('conflict', message, [{ path: 'id', code: 'user.last_admin', message, messageZh: '这是最后一个启用的管理员账号，请先指定其他管理员' }]);
  }
}
