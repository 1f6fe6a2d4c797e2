import { desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { proRataProposals, rounds, users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { formatYuan } from '../domain/money';
import { requireRole } from './access';

/** How many decided (approved or superseded) proposals the money page lists beside the open ones. */
export const RECENT_DECIDED = 10;

export interface ProRataListLine {
  id: string;
  roundId: string;
  roundName: string;
  status: 'open' | 'approved' | 'superseded';
  cases: number;
  total: string;
  available: string;
  proposedBy: { id: string; name: string };
  proposedAt: string;
  approvedBy: { id: string; name: string } | null;
  /** when it was approved or superseded; null while open */
  decidedAt: string | null;
}

/**
 * The pro-rata proposals the money page lists (SPEC §6): every open one, awaiting a second finance
 * user's approval, and the most recently decided ones, newest first. Whoever may read a proposal
 * (get.ts) may read the list.
 */
export async function listProRata(ctx: ServiceContext): Promise<{ open: ProRataListLine[]; decided: ProRataListLine[] }> {
  requireRole(ctx, ['finance', 'provincial'], 'only finance staff and provincial reviewers read pro-rata proposals', '只有财务人员和省级审核人员可以查看按比例核减方案');
  const proposer = alias(users, 'proposer');
  const approver = alias(users, 'approver');
  const query = () =>
    ctx.app.db
      .select({
        row: proRataProposals,
        roundName: rounds.name,
        proposerName: proposer.name,
        approverName: approver.name,
        cases: sql<number>`(select count(*)::int from pro_rata_items i where i.proposal_id = ${proRataProposals.id})`,
      })
      .from(proRataProposals)
      .innerJoin(rounds, eq(rounds.id, proRataProposals.roundId))
      .innerJoin(proposer, eq(proposer.id, proRataProposals.proposedBy))
      .leftJoin(approver, eq(approver.id, proRataProposals.approvedBy));
  const [open, decided] = await Promise.all([
    query().where(eq(proRataProposals.status, 'open')).orderBy(desc(proRataProposals.proposedAt)),
    query().where(ne(proRataProposals.status, 'open')).orderBy(desc(sql`coalesce(${proRataProposals.approvedAt}, ${proRataProposals.supersededAt})`), desc(proRataProposals.id)).limit(RECENT_DECIDED),
  ]);
  const line = (r: (typeof open)[number]): ProRataListLine => ({
    id: r.row.id,
    roundId: r.row.roundId,
    roundName: r.roundName,
    status: r.row.status,
    cases: r.cases,
    total: formatYuan(r.row.totalFen),
    available: formatYuan(r.row.availableFen),
    proposedBy: { id: r.row.proposedBy, name: r.proposerName },
    proposedAt: r.row.proposedAt.toISOString(),
    approvedBy: r.row.approvedBy ? { id: r.row.approvedBy, name: r.approverName ?? '' } : null,
    decidedAt: (r.row.approvedAt ?? r.row.supersededAt)?.toISOString() ?? null,
  });
  return { open: open.map(line), decided: decided.map(line) };
}
