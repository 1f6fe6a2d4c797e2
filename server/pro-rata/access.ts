import type { ServiceContext } from '../context';
import { AppError } from '../errors';
import type { Role } from '../../db/schema/accounts';

/** A refusal in both languages, the reason as a field error the way the role gate words it. */
export function refused(code: string, en: string, zh: string): AppError {
  return new AppError('forbidden', `${en} (${zh})`, [{ path: 'role', code, message: en, messageZh: zh }]);
}

/** The pro-rata reduction is finance's (SPEC §2, §7); the routes gate this too, the service fails closed on its own. */
export function requireRole(ctx: ServiceContext, roles: readonly Role[], en: string, zh: string): void {
  if (!ctx.user.roles.some((r) => roles.includes(r))) throw refused('role.forbidden', en, zh);
}
