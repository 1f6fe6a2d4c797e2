import { and, eq } from 'drizzle-orm';
import { proRataProposals } from '../../db/schema';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';
import { requireRole } from './access';
import { linesOf, proposalView } from './present';
import type { ProRataProposalView } from './view-schema';

/** GET /rounds/:id/pro-rata/:proposalId: finance and the provincial reviewers read a proposal and its cases. */
export async function getProRata(ctx: ServiceContext, roundId: string, proposalId: string): Promise<ProRataProposalView> {
  requireRole(ctx, ['finance', 'provincial'], 'only finance staff and provincial reviewers read pro-rata proposals', '只有财务人员和省级审核人员可以查看按比例核减方案');
  const db = ctx.app.db;
  const [proposal] = await db
    .select()
    .from(proRataProposals)
    .where(and(eq(proRataProposals.id, proposalId), eq(proRataProposals.roundId, roundId)));
  if (!proposal) throw notFound('pro-rata proposal');
  return proposalView(proposal, await linesOf(db, proposal.id));
}
