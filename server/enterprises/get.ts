import { eq } from 'drizzle-orm';
import { enterprises } from '../../db/schema';
import type { DbOrTx } from '../../db/client';
import type { ServiceContext, User } from '../context';
import { notFound } from '../errors';
import { enterpriseView, type EnterpriseRow } from './present';

/** Who may read a firm's profile (SPEC §2): its own staff, its city's reviewers, the province. */
export function canSeeEnterprise(user: User, firm: Pick<EnterpriseRow, 'id' | 'city'>): boolean {
  return user.roles.some((role) => {
    switch (role) {
      case 'firm':
        return user.enterpriseId === firm.id;
      case 'municipal':
        return user.city !== null && user.city === firm.city;
      case 'provincial':
        return true;
      default:
        return false;
    }
  });
}

/** Loads a firm the caller may see, or answers 404 — never 403, so ids cannot be probed. */
export async function loadVisibleEnterprise(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false) {
  const query = db.select().from(enterprises).where(eq(enterprises.id, id));
  const [firm] = lock ? await query.for('update') : await query;
  if (!firm || !canSeeEnterprise(ctx.user, firm)) throw notFound('enterprise');
  return firm;
}

export async function getEnterprise(ctx: ServiceContext, id: string) {
  return enterpriseView(await loadVisibleEnterprise(ctx, id));
}
