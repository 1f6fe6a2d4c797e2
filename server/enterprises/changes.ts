import { desc, eq } from 'drizzle-orm';
import { enterpriseChanges } from '../../db/schema';
import type { ServiceContext } from '../context';
import { loadVisibleEnterprise } from './get';

/** Who changed which profile fields when — for the firm itself and for the reviewers who see it. */
export async function listEnterpriseChanges(ctx: ServiceContext, id: string) {
  await loadVisibleEnterprise(ctx, id);
  const rows = await ctx.app.db
    .select()
    .from(enterpriseChanges)
    .where(eq(enterpriseChanges.enterpriseId, id))
    .orderBy(desc(enterpriseChanges.at))
    .limit(200);
  return {
    items: rows.map((r) => ({ id: r.id, changedBy: r.changedBy, requestId: r.requestId, at: r.at.toISOString(), before: r.before, after: r.after })),
  };
}
