import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cases, proRataItems, type proRataProposals } from '../../db/schema';
import { formatYuan } from '../domain/money';
import type { ProRataLine } from './figures';
import type { ProRataProposalView } from './view-schema';

type ProposalRow = typeof proRataProposals.$inferSelect;

/** The one JSON shape of a proposal (SPEC §7): money as yuan strings, cases by case number. */
export function proposalView(p: ProposalRow, lines: readonly ProRataLine[]): ProRataProposalView {
  return {
    id: p.id,
    roundId: p.roundId,
    status: p.status,
    budget: formatYuan(p.budgetFen),
    committed: formatYuan(p.committedFen),
    available: formatYuan(p.availableFen),
    total: formatYuan(p.totalFen),
    cases: lines.map((l) => ({ caseId: l.caseId, caseNumber: l.caseNumber, before: formatYuan(l.beforeFen), after: formatYuan(l.afterFen) })),
    proposedBy: p.proposedBy,
    proposedAt: p.proposedAt.toISOString(),
    approvedBy: p.approvedBy,
    approvedAt: p.approvedAt?.toISOString() ?? null,
  };
}

/** A stored proposal's cases, by case number. */
export async function linesOf(db: DbOrTx, proposalId: string): Promise<ProRataLine[]> {
  return db
    .select({ caseId: proRataItems.caseId, caseNumber: cases.number, beforeFen: proRataItems.beforeFen, afterFen: proRataItems.afterFen })
    .from(proRataItems)
    .innerJoin(cases, eq(cases.id, proRataItems.caseId))
    .where(eq(proRataItems.proposalId, proposalId))
    .orderBy(sql`${cases.number} collate "C"`);
}
