import type { ServiceContext } from '../context';
import { forbidden } from '../errors';

// Rounds are configuration (SPEC §2): administrators set them, everyone signed in reads them.
export function requireAdmin(ctx: ServiceContext, what: string): void {
  if (!ctx.user.roles.includes('admin')) throw forbidden(`only administrators may ${what}`);
}
