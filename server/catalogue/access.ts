import type { User } from '../context';
import { forbidden, unauthenticated } from '../errors';

export const isAdmin = (user: User | null | undefined): boolean => user?.roles.includes('admin') ?? false;

/** Catalogue editions are configuration (SPEC §2): only administrators import and publish them. */
export function requireAdmin(user: User | null | undefined, action: string): User {
  if (!user) throw unauthenticated();
  if (!user.roles.includes('admin')) throw forbidden(`only administrators may ${action}`);
  return user;
}
