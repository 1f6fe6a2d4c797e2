import type { User } from '../context';
import { AppError } from '../errors';

/** Who makes and pays batches (SPEC §2): the routes' gate, and the verbs' own check behind it. */
export const BATCH_PAYERS = ['finance'] as const;

export const isBatchPayer = (user: Pick<User, 'roles'>): boolean => user.roles.some((r) => (BATCH_PAYERS as readonly string[]).includes(r));

/** Bank files and statements are finance's: a provincial reviewer reads the batch but not the accounts it pays. */
export function assertBatchPayer(user: Pick<User, 'roles'>): void {
  if (isBatchPayer(user)) return;
  const message = 'only finance staff handle bank files and statements';
  throw new AppError('forbidden', message, [{ path: 'role', code: 'role.forbidden', message, messageZh: '只有财务人员可以处理银行付款文件和对账单' }]);
}
