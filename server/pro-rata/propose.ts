import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { proRataItems, proRataProposals, rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import { notFound, unprocessable } from '../errors';
import { formatYuan } from '../domain/money';
import { requireRole } from './access';
import { lockRoundReduction, roundFigures, type ProRataFigures } from './figures';
import { proposalView } from './present';
import type { ProRataProposalView } from './view-schema';

// a round of 10,000 cases writes its items in a few statements, each well under the parameter limit
const ITEM_CHUNK = 5000;

/**
 * POST /rounds/:id/pro-rata (SPEC §6, §7): finance proposes sharing what is left of the round's
 * budget among its approved, unpaid cases. Nothing changes on the cases until a second finance
 * user approves; a newer proposal supersedes the open ones of the round.
 */
export async function proposeProRata(ctx: ServiceContext, roundId: string): Promise<ProRataProposalView> {
  requireRole(ctx, ['finance'], 'only finance staff may propose a pro-rata reduction', '只有财务人员可以提出按比例核减方案');
  return ctx.app.db.transaction(async (tx) => {
    await lockRoundReduction(tx, roundId);
    const [round] = await tx.select({ id: rounds.id, budgetFen: rounds.budgetFen }).from(rounds).where(eq(rounds.id, roundId));
    if (!round) throw notFound('round');
    if (round.budgetFen === null) {
      throw unprocessable('the round has no budget, so there is nothing to reduce to (本批次未设定预算，无需按比例核减)', [
        { path: 'budget', code: 'proRata.noBudget', message: 'the round has no budget; an administrator sets one first', messageZh: '本批次未设定预算，请管理员先设定预算' },
      ]);
    }
    const figures = await roundFigures(tx, round.id, round.budgetFen, false);
    if (figures.totalFen <= figures.availableFen) throw fitsBudget(figures);
    const now = ctx.app.clock.now();
    await tx
      .update(proRataProposals)
      .set({ status: 'superseded', supersededAt: now })
      .where(and(eq(proRataProposals.roundId, round.id), eq(proRataProposals.status, 'open')));
    const [row] = await tx
      .insert(proRataProposals)
      .values({
        roundId: round.id,
        status: 'open',
        budgetFen: figures.budgetFen,
        committedFen: figures.committedFen,
        availableFen: figures.availableFen,
        totalFen: figures.totalFen,
        proposedBy: ctx.user.id,
        proposedAt: now,
      })
      .returning();
    if (!row) throw new Error('pro-rata proposal insert returned nothing');
    await insertItems(tx, row.id, figures);
    return proposalView(row, figures.lines);
  });
}

function fitsBudget(f: ProRataFigures) {
  const [total, available, budget, committed] = [f.totalFen, f.availableFen, f.budgetFen, f.committedFen].map(formatYuan);
  return unprocessable('the approved, unpaid subsidies fit the available budget: nothing to reduce (核准未拨付的补偿总额未超出可用预算，无需核减)', [
    {
      path: 'total',
      code: 'proRata.fitsBudget',
      message: `the approved, unpaid subsidies total ${total} yuan, within the ${available} yuan available (budget ${budget} less ${committed} committed)`,
      messageZh: `核准未拨付的补偿总额 ${total} 元，未超出可用预算 ${available} 元（预算 ${budget} 元，已占用 ${committed} 元）`,
    },
  ]);
}

async function insertItems(tx: Tx, proposalId: string, f: ProRataFigures): Promise<void> {
  for (let i = 0; i < f.lines.length; i += ITEM_CHUNK) {
    const chunk = f.lines.slice(i, i + ITEM_CHUNK);
    await tx.insert(proRataItems).values(chunk.map((l) => ({ proposalId, caseId: l.caseId, beforeFen: l.beforeFen, afterFen: l.afterFen })));
  }
}
