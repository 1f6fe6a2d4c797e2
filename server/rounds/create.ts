import { rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import { unprocessable } from '../errors';
import { requireAdmin } from './access';
import { ROUND_DEFAULTS, toColumns } from './columns';
import { roundView } from './present';
import { referenceProblems, roundProblems, type RoundDraft } from './rules';
import type { RoundCreate } from './schema';

/** An administrator opens a round: parameters not given take the SPEC defaults (§1, §3, §4, §6). */
export async function createRound(ctx: ServiceContext, body: RoundCreate) {
  requireAdmin(ctx, 'create rounds');
  const draft: RoundDraft = { ...ROUND_DEFAULTS, ...toColumns(body, ROUND_DEFAULTS.clockLengths) } as RoundDraft;
  const now = ctx.app.clock.now();
  const row = await ctx.app.db.transaction(async (tx) => {
    const problems = [
      ...roundProblems(draft),
      ...(await referenceProblems(tx, draft, new Set(['editionId', 'insurerIds', 'excludedEntryIds', 'excludedCategories']))),
    ];
    if (problems.length > 0) throw unprocessable('the round cannot be created', problems);
    const [inserted] = await tx
      .insert(rounds)
      .values({ ...draft, createdAt: now, updatedAt: now })
      .returning();
    if (!inserted) throw new Error('round insert returned nothing');
    return inserted;
  });
  return roundView(row);
}
