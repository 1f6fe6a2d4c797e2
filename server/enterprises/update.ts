import { eq } from 'drizzle-orm';
import { enterpriseChanges, enterprises } from '../../db/schema';
import type { ServiceContext } from '../context';
import { forbidden, unprocessable } from '../errors';
import { loadVisibleEnterprise } from './get';
import { enterpriseView } from './present';
import { affiliationProblems } from './rules';
import type { EnterprisePatch } from './schema';
import type { DbOrTx } from '../../db/client';

/** Only the firm's own staff edit its profile: 404 to those who may not see it, 403 to the others. */
export async function assertMayEditEnterprise(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false) {
  const firm = await loadVisibleEnterprise(ctx, id, db, lock);
  if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== firm.id) throw forbidden("only the firm's own staff may edit its profile");
  return firm;
}

/**
 * The firm's own staff edit its profile (SPEC §3). The USCC and the city are refused by the
 * schema: the first is the firm's identity, the second decides which city bureau reviews it.
 */
export async function updateEnterprise(ctx: ServiceContext, id: string, patch: EnterprisePatch) {
  const { uscc: _uscc, city: _city, ...changes } = patch;
  const row = await ctx.app.db.transaction(async (tx) => {
    const firm = await assertMayEditEnterprise(ctx, id, tx, true);
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
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => JSON.stringify(firm[k]) !== JSON.stringify(updated[k]));
    if (changed.length > 0) {
      await tx.insert(enterpriseChanges).values({
        enterpriseId: id,
        changedBy: ctx.user.id,
        requestId: ctx.requestId,
        before: Object.fromEntries(changed.map((k) => [k, firm[k]])),
        after: Object.fromEntries(changed.map((k) => [k, updated[k]])),
        at: ctx.app.clock.now(),
      });
    }
    return updated;
  });
  return enterpriseView(row);
}
