import { eq } from 'drizzle-orm';
import { enterprises } from '../../db/schema';
import type { ServiceContext } from '../context';
import { forbidden, unprocessable } from '../errors';
import { loadVisibleEnterprise } from './get';
import { enterpriseView } from './present';
import { affiliationProblems } from './rules';
import type { EnterprisePatch } from './schema';

/**
 * The firm's own staff edit its profile (SPEC §3). The USCC and the city are refused by the
 * schema: the first is the firm's identity, the second decides which city bureau reviews it.
 */
export async function updateEnterprise(ctx: ServiceContext, id: string, patch: EnterprisePatch) {
  const { uscc: _uscc, city: _city, ...changes } = patch;
  const row = await ctx.app.db.transaction(async (tx) => {
    const firm = await loadVisibleEnterprise(ctx, id, tx, true);
    if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== firm.id) {
      throw forbidden("only the firm's own staff may edit its profile");
    }
    if (changes.affiliations) {
      const problems = affiliationProblems('affiliations', changes.affiliations, firm.uscc);
      if (problems.length > 0) throw unprocessable('the profile cannot be changed', problems);
    }
    const [updated] = await tx
      .update(enterprises)
      .set({ ...changes, updatedAt: ctx.app.clock.now() })
      .where(eq(enterprises.id, id))
      .returning();
    if (!updated) throw new Error('enterprise vanished under its row lock');
    return updated;
  });
  // No audit table for firms yet; the bank account decides where subsidies go, so at least log who changed what.
  ctx.app.log.info({ requestId: ctx.requestId, userId: ctx.user.id, enterpriseId: id, fields: Object.keys(changes) }, 'enterprise profile edited');
  return enterpriseView(row);
}
