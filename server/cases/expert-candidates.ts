import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { clocks, enterprises, rounds, users } from '../../db/schema';
import { contextOf } from '../../workflows/case/expert-guards';
import type { FactsOf, PayloadOf } from '../../workflows/case/events';
import type { CaseRow } from '../engine/scope';
import { unprocessable } from '../errors';

/**
 * What ASSIGN_EXPERTS needs that only the database knows: that each named person is an active
 * expert, any conflict of interest the system can see (SPEC §2: the expert's organisation is, or
 * the expert is affiliated with, the firm, one of its affiliates or the user unit), and the round's
 * rubric and quorum, frozen into the case.
 */
export async function expertCandidates(tx: Tx, row: CaseRow, payload: PayloadOf<'ASSIGN_EXPERTS'> & { meta: { actorId: string | null } }): Promise<FactsOf<'ASSIGN_EXPERTS'>> {
  const ids = payload.expertIds;
  const found = await tx
    .select({ id: users.id, affiliations: users.affiliations, organisationUscc: users.organisationUscc })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.active, true), arrayContains(users.roles, ['expert'])));
  const problems = ids.flatMap((id, i) => [
    ...(ids.indexOf(id) < i ? [{ path: `expertIds.${i}`, message: 'this expert is named twice', messageZh: '该专家重复' }] : []),
    ...(found.some((f) => f.id === id) ? [] : [{ path: `expertIds.${i}`, message: 'no active expert has this id', messageZh: '没有该在职专家' }]),
  ]);
  if (payload.replaces !== undefined && ids.includes(payload.replaces)) {
    problems.push({ path: 'replaces', message: 'an expert cannot replace themself', messageZh: '不能以同一专家替换自己' });
  }
  if (problems.length > 0) throw unprocessable('the experts cannot be assigned', problems);

  const related = await relatedTo(tx, row);
  const [round] = await tx.select({ rubric: rounds.rubric, quorum: rounds.expertQuorum }).from(rounds).where(eq(rounds.id, row.roundId));
  if (!round) throw new Error(`case ${row.id} points at a missing round`);
  if (!round.rubric) throw unprocessable('the round has no scoring rubric', [{ path: 'expertIds', message: 'an administrator must set the round rubric first', messageZh: '请管理员先设置本批次的评分标准' }]);
  // four eyes (SPEC §2): whoever decided this case, or assigns its experts, cannot also score it
  const context = contextOf(row.snapshot);
  const reviewers = new Set([...(context.decisions ?? []).map((d) => d.actorId), ...(payload.meta.actorId ? [payload.meta.actorId] : [])]);
  const overdue = await tx
    .select({ assigneeId: clocks.assigneeId })
    .from(clocks)
    .where(and(eq(clocks.ownerId, row.id), eq(clocks.kind, 'expertReview'), eq(clocks.overdue, true), inArray(clocks.status, ['expired', 'running'])));
  return {
    candidates: ids.map((id) => {
      const expert = found.find((f) => f.id === id);
      const reviewed = reviewers.has(id) ? 'took part in the review of this case (已参与本申请的审核)' : null;
      return { expertId: id, conflict: reviewed ?? (expert ? conflictOf(expert, related) : null) };
    }),
    rubric: round.rubric,
    quorum: round.quorum,
    overdue: overdue.flatMap((o) => (o.assigneeId ? [o.assigneeId] : [])),
  };
}

/** The USCCs an expert must have nothing to do with on this case: the firm's, its affiliates', the user unit's. */
export async function relatedTo(db: DbOrTx, row: CaseRow): Promise<ReadonlySet<string>> {
  const [firm] = await db.select({ uscc: enterprises.uscc, affiliations: enterprises.affiliations }).from(enterprises).where(eq(enterprises.id, row.enterpriseId));
  if (!firm) throw new Error(`case ${row.id} points at a missing firm`);
  return new Set([firm.uscc, row.userUnit.uscc ?? '', ...firm.affiliations].filter((u) => u !== ''));
}

/** The conflict of interest the system sees (SPEC §2: the expert's organisation or an affiliation), in both languages, or null. */
export function conflictOf(expert: { affiliations: readonly string[]; organisationUscc: string | null }, related: ReadonlySet<string>): string | null {
  if (expert.organisationUscc && related.has(expert.organisationUscc)) return `works for ${expert.organisationUscc} (任职于 ${expert.organisationUscc})`;
  const hit = expert.affiliations.find((u) => related.has(u));
  return hit ? `affiliated with ${hit} (与 ${hit} 存在关联)` : null;
}
