import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { cases, proRataProposals, rounds, subsidyAdjustments } from '../../db/schema';
import type { CaseEvent } from '../../workflows/case/types';
import type { ServiceContext } from '../context';
import { AppError, conflict, notFound, type FieldError } from '../errors';
import { formatYuan } from '../domain/money';
import { tellCases } from '../cases/system-events';
import { insertManyRows } from '../../db/shapes';
import { refused, requireRole } from './access';
import { lockRoundReduction, roundFigures, type ProRataFigures, type ProRataLine } from './figures';
import { linesOf, proposalView } from './present';
import type { ProRataProposalView } from './view-schema';

type ProposalRow = typeof proRataProposals.$inferSelect;

/**
 * POST /rounds/:id/pro-rata/:proposalId/approve (SPEC §6, §7): a second finance user applies the
 * proposal. In one transaction the round's money-stage cases are locked in id order and the
 * figures recomputed; if anything moved since the proposal (a case batched, approved or its amount
 * changed, the budget edited) it is refused as stale. Otherwise each reduced case gets its new
 * amount, an adjustment row, and SUBSIDY_REDUCED from the system, so that its history records the
 * step (in the approving finance user's name) and the firm is told.
 */
export async function approveProRata(ctx: ServiceContext, roundId: string, proposalId: string): Promise<ProRataProposalView> {
  requireRole(ctx, ['finance'], 'only finance staff may approve a pro-rata reduction', '只有财务人员可以审批按比例核减方案');
  return ctx.app.db.transaction(async (tx) => {
    await lockRoundReduction(tx, roundId);
    const [proposal] = await tx
      .select()
      .from(proRataProposals)
      .where(and(eq(proRataProposals.id, proposalId), eq(proRataProposals.roundId, roundId)));
    if (!proposal) throw notFound('pro-rata proposal');
    if (proposal.proposedBy === ctx.user.id) {
      throw refused('proRata.fourEyes', 'the proposer of a pro-rata reduction cannot approve it: a second finance user must', '按比例核减方案须由提出人以外的另一名财务人员审批');
    }
    if (proposal.status !== 'open') {
      throw conflict(`the proposal is ${proposal.status}, no longer open for approval (该核减方案已${proposal.status === 'approved' ? '审批' : '被新方案取代'}，不能再审批)`, { proposalStatus: proposal.status });
    }
    const [round] = await tx.select({ budgetFen: rounds.budgetFen }).from(rounds).where(eq(rounds.id, roundId)).for('share');
    const stored = await linesOf(tx, proposal.id);
    const now = await roundFigures(tx, roundId, round?.budgetFen ?? 0n, true);
    const problems = await staleness(tx, proposal, round?.budgetFen ?? null, stored, now);
    if (problems.length > 0) {
      throw new AppError('conflict', 'the figures changed since the proposal; propose the reduction again (核减方案提出后数据已变化，请重新提出)', problems);
    }
    const at = ctx.app.clock.now();
    const basis = { budget: formatYuan(proposal.availableFen), total: formatYuan(proposal.totalFen), roundBudget: formatYuan(proposal.budgetFen), committed: formatYuan(proposal.committedFen) };
    const reduced = stored.filter((l) => l.afterFen !== l.beforeFen);
    const meta = { at: at.toISOString(), actorId: null, role: 'system' } as const;
    await tellCases(
      tx,
      ctx.app,
      ctx.requestId,
      reduced.map((line) => ({
        caseId: line.caseId,
        // the new amount, written with the case's step
        subsidyFen: line.afterFen,
        event: { type: 'SUBSIDY_REDUCED', proposalId: proposal.id, before: formatYuan(line.beforeFen), after: formatYuan(line.afterFen), meta } satisfies CaseEvent,
      })),
      // the event is the system's; the history names the finance user who approved the reduction
      { id: ctx.user.id, role: 'finance' },
    );
    // their adjustment rows, a thousand to a statement
    await insertManyRows(
      tx,
      subsidyAdjustments,
      reduced.map((line) => ({ caseId: line.caseId, kind: 'proRata' as const, beforeFen: line.beforeFen, afterFen: line.afterFen, basis, proposalId: proposal.id, approvedBy: ctx.user.id, at })),
    );
    const [approved] = await tx
      .update(proRataProposals)
      .set({ status: 'approved', approvedBy: ctx.user.id, approvedAt: at })
      .where(eq(proRataProposals.id, proposal.id))
      .returning();
    if (!approved) throw new Error('pro-rata proposal vanished under its lock');
    return proposalView(approved, stored);
  });
}

/** Everything that differs between the proposal and the round as it stands, each in both languages. */
async function staleness(tx: Tx, p: ProposalRow, budgetFen: bigint | null, stored: readonly ProRataLine[], now: ProRataFigures): Promise<FieldError[]> {
  const out: FieldError[] = [];
  const yuan = formatYuan;
  if (budgetFen !== p.budgetFen) {
    const is = budgetFen === null ? 'none' : `${yuan(budgetFen)} yuan`;
    out.push({ path: 'budget', code: 'proRata.stale', message: `the round's budget was ${yuan(p.budgetFen)} yuan and is now ${is}`, messageZh: `本批次预算由 ${yuan(p.budgetFen)} 元变为${budgetFen === null ? '未设定' : ` ${yuan(budgetFen)} 元`}` });
  }
  if (budgetFen !== null && now.committedFen !== p.committedFen) {
    out.push({ path: 'committed', code: 'proRata.stale', message: `the committed subsidy was ${yuan(p.committedFen)} yuan and is now ${yuan(now.committedFen)}`, messageZh: `已占用补偿金额由 ${yuan(p.committedFen)} 元变为 ${yuan(now.committedFen)} 元` });
  }
  const current = new Map(now.lines.map((l) => [l.caseId, l]));
  const gone = stored.filter((l) => !current.has(l.caseId)).map((l) => l.caseId);
  const states = new Map(gone.length === 0 ? [] : (await tx.select({ id: cases.id, state: cases.state }).from(cases).where(inArray(cases.id, gone))).map((r) => [r.id, r.state]));
  stored.forEach((l, i) => {
    const path = `cases.${i}`;
    const c = current.get(l.caseId);
    if (!c) {
      const state = states.get(l.caseId) ?? 'unknown';
      out.push({ path, code: 'proRata.stale', message: `case ${l.caseNumber} is now ${state}, no longer approved and unpaid`, messageZh: `申请 ${l.caseNumber} 当前状态为 ${state}，已不属于核准未拨付的申请` });
    } else if (c.beforeFen !== l.beforeFen) {
      out.push({ path, code: 'proRata.stale', message: `the subsidy of case ${l.caseNumber} was ${yuan(l.beforeFen)} yuan and is now ${yuan(c.beforeFen)}`, messageZh: `申请 ${l.caseNumber} 的补偿金额由 ${yuan(l.beforeFen)} 元变为 ${yuan(c.beforeFen)} 元` });
    }
  });
  const known = new Set(stored.map((l) => l.caseId));
  for (const c of now.lines.filter((l) => !known.has(l.caseId))) {
    out.push({ path: 'cases', code: 'proRata.stale', message: `case ${c.caseNumber} was approved after the proposal`, messageZh: `申请 ${c.caseNumber} 在方案提出后获批` });
  }
  return out;
}
