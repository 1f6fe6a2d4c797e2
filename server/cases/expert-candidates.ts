import { unavailableExperts } from './unavailable-experts';
import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { clocks, enterprises, rounds, users } from '../../db/schema';
import { contextOf, declaredConflict, declinedUnreplaced, onPanel, OPEN } from '../../workflows/case/expert-guards';
import type { FactsOf, PayloadOf } from '../../workflows/case/events';
import type { CaseRow } from '../engine/scope';
import { unprocessable, type FieldError } from '../errors';
import type { Assignment, AssignmentStatus, CaseContext } from '../../workflows/case/types';

/**
 * What ASSIGN_EXPERTS needs that only the database knows: that each named person is an active
 * expert, any conflict of interest the system can see (SPEC §2: the expert's organisation is, or
 * the expert is affiliated with, the firm, one of its affiliates or the user unit), and the round's
 * rubric and quorum, frozen into the case. An expert who declared a conflict of interest on this
 * case is refused by name: that declaration keeps them off it for good. One who declined it
 * otherwise is offered it again by a new assignment once replaced, and refused by name before; so is
 * one on the panel already (open, overdue or scored) — once replaced, they may be named again.
 */
export async function expertCandidates(tx: Tx, row: CaseRow, payload: PayloadOf<'ASSIGN_EXPERTS'> & { meta: { actorId: string | null } }): Promise<FactsOf<'ASSIGN_EXPERTS'>> {
  const ids = payload.expertIds;
  const found = await tx
    .select({ id: users.id, name: users.name, affiliations: users.affiliations, organisationUscc: users.organisationUscc })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.active, true), arrayContains(users.roles, ['expert'])));
  const context = contextOf(row.snapshot);
  const problems: FieldError[] = ids.flatMap((id, i) => [
    ...(ids.indexOf(id) < i ? [{ path: `expertIds.${i}`, message: 'this expert is named twice', messageZh: '该专家重复' }] : []),
    ...(found.some((f) => f.id === id) ? [] : [{ path: `expertIds.${i}`, message: 'no active expert has this id', messageZh: '没有该在职专家' }]),
    ...panelProblems(context.experts ?? [], id, i, found.find((f) => f.id === id)?.name ?? id),
  ]);
  if (payload.replaces !== undefined && ids.includes(payload.replaces)) {
    problems.push({ path: 'replaces', message: 'an expert cannot replace themself', messageZh: '不能以同一专家替换自己' });
  }
  if (problems.length > 0) throw unprocessable('the experts cannot be assigned', problems);

  const related = await relatedTo(tx, row);
  const [round] = await tx.select({ rubric: rounds.rubric, quorum: rounds.expertQuorum }).from(rounds).where(eq(rounds.id, row.roundId));
  if (!round) throw new Error(`case ${row.id} points at a missing round`);
  if (!round.rubric) throw unprocessable('the round has no scoring rubric', [{ path: 'expertIds', message: 'an administrator must set the round rubric first', messageZh: '请管理员先设置本批次的评分标准' }]);
  // a panel too small for the round is said beside the list, with the count, before the machine's
  // guard (enoughExperts) would refuse it in one sentence for every reason at once
  if (payload.replaces === undefined) {
    const sitting = (context.experts ?? []).filter((a) => OPEN.includes(a.status) || a.status === 'scored');
    const need = round.quorum - sitting.length;
    const chosen = new Set(ids.filter((id) => !sitting.some((a) => a.expertId === id))).size;
    if (chosen < need) {
      throw unprocessable('too few experts for the round', [
        { path: 'expertIds', code: 'quorum', message: `choose at least ${need} experts (${chosen} chosen)`, messageZh: `请至少选择 ${need} 位专家（已选 ${chosen} 位）` },
      ]);
    }
  }
  const reviewers = reviewersOf(context, payload.meta.actorId);
  const overdue = await tx
    .select({ assigneeId: clocks.assigneeId })
    .from(clocks)
    .where(and(eq(clocks.ownerId, row.id), eq(clocks.kind, 'expertReview'), eq(clocks.overdue, true), inArray(clocks.status, ['expired', 'running'])));
  return {
    candidates: ids.map((id) => {
      const expert = found.find((f) => f.id === id);
      const reviewed = reviewers.has(id) ? REVIEWED : null;
      return { expertId: id, conflict: reviewed ?? (expert ? conflictOf(expert, related) : null) };
    }),
    rubric: round.rubric,
    quorum: round.quorum,
    overdue: overdue.flatMap((o) => (o.assigneeId ? [o.assigneeId] : [])),
    unavailable: [...(await unavailableExperts(tx, context))],
  };
}

/** The conflict of an expert who decided the case, or assigns its experts: they cannot also score it. */
export const REVIEWED = 'took part in the review of this case (已参与本申请的审核)';

/** Four eyes (SPEC §2): whoever decided this case, or assigns its experts, cannot also score it. */
export function reviewersOf(context: Pick<Partial<CaseContext>, 'decisions'>, assignerId: string | null): Set<string> {
  return new Set([...(context.decisions ?? []).map((d) => d.actorId), ...(assignerId ? [assignerId] : [])]);
}

/** Why an expert cannot be put on this case's panel for what the panel already holds of them, if at all. */
function panelProblems(experts: readonly Assignment[], id: string, i: number, name: string): FieldError[] {
  return declaredProblem(experts, id, i, name) ?? onPanelProblem(experts, id, i, name) ?? declinedProblem(experts, id, i, name);
}

const SITTING: Partial<Record<AssignmentStatus, { en: string; zh: string }>> = {
  assigned: { en: 'not yet accepted', zh: '待接受' },
  accepted: { en: 'accepted, reviewing', zh: '评审中' },
  scored: { en: 'scored', zh: '已评分' },
};

/**
 * The refusal of an expert who sits on this case's panel already, open or scored, where a second
 * assignment would stand beside theirs (the machine adds none, and refuses). One past their deadline
 * is replaced by another expert, not named again.
 */
function onPanelProblem(experts: readonly Assignment[], id: string, i: number, name: string): FieldError[] | null {
  const sitting = onPanel(experts, id);
  if (!sitting) return null;
  const status = SITTING[sitting.status] ?? { en: sitting.status, zh: sitting.status };
  return [
    {
      path: `expertIds.${i}`,
      code: 'alreadyOnPanel',
      message: `${name} is already on this case's panel (${status.en}) and cannot be assigned to it again`,
      messageZh: `${name}已在本申请的评审专家名单中（${status.zh}），不能重复指派`,
    },
  ];
}

/** The refusal of an expert who declared a conflict of interest on this case, naming them and the reason they gave. */
function declaredProblem(experts: readonly Assignment[], id: string, i: number, name: string): FieldError[] | null {
  const declared = declaredConflict(experts, id);
  if (!declared) return null;
  const reason = declared.note ?? '';
  return [
    {
      path: `expertIds.${i}`,
      code: 'declaredConflict',
      message: `${name} declared a conflict of interest on this case and cannot be assigned to it again: ${reason}`,
      messageZh: `${name}已声明与本申请存在利益冲突，不能再指派：${reason}`,
    },
  ];
}

/**
 * The refusal of an expert who declined this case, or was found to have a conflict on it, and is
 * still on its panel as such: a new assignment would stand beside the declined one (the machine
 * adds none for them). Once replaced they may be offered it again (README: replaces).
 */
function declinedProblem(experts: readonly Assignment[], id: string, i: number, name: string): FieldError[] {
  const declined = declinedUnreplaced(experts, id);
  if (!declined) return [];
  const detected = declined.conflict === 'detected';
  const why = declined.note ?? '';
  return [
    {
      path: `expertIds.${i}`,
      code: 'declinedNotReplaced',
      message: detected
        ? `${name} is on this case's panel with a conflict of interest the system found (${why}) and cannot be assigned to it again`
        : `${name} declined this case (${why}) and has not been replaced yet: replace them with another expert first; once replaced they may be offered it again`,
      messageZh: detected ? `${name}已因系统发现的利益冲突（${why}）列在本申请的专家名单中，不能再指派` : `${name}已谢绝评审本申请（${why}），尚未被替换：请先指派其他专家替换；替换后可再次邀请`,
    },
  ];
}

/** The parties an expert must have nothing to do with on this case, by USCC: the firm, its affiliates, the user unit — each named in both languages. */
export async function relatedTo(db: DbOrTx, row: CaseRow): Promise<ReadonlyMap<string, { en: string; zh: string }>> {
  const [firm] = await db.select({ name: enterprises.name, uscc: enterprises.uscc, affiliations: enterprises.affiliations }).from(enterprises).where(eq(enterprises.id, row.enterpriseId));
  if (!firm) throw new Error(`case ${row.id} points at a missing firm`);
  const parties = new Map<string, { en: string; zh: string }>();
  // the firm and the user unit by name; an affiliate is known to the case by its code alone
  for (const uscc of firm.affiliations) parties.set(uscc, { en: `an affiliate of the applicant (${uscc})`, zh: `申报企业的关联企业（${uscc}）` });
  const unit = row.userUnit;
  if (unit.uscc) parties.set(unit.uscc, { en: `the user unit ${unit.name ?? ''} (${unit.uscc})`.replace('  ', ' '), zh: `用户单位 ${unit.name ?? ''}（${unit.uscc}）` });
  parties.set(firm.uscc, { en: `the applicant ${firm.name} (${firm.uscc})`, zh: `申报企业 ${firm.name}（${firm.uscc}）` });
  return parties;
}

/** The conflict of interest the system sees (SPEC §2: the expert's organisation or an affiliation), in both languages — "works for X (任职于 X)" — or null. */
export function conflictOf(expert: { affiliations: readonly string[]; organisationUscc: string | null }, related: ReadonlyMap<string, { en: string; zh: string }>): string | null {
  const employer = expert.organisationUscc ? related.get(expert.organisationUscc) : undefined;
  if (employer) return `works for ${employer.en} (任职于${employer.zh})`;
  const hit = expert.affiliations.map((u) => related.get(u)).find((p) => p !== undefined);
  return hit ? `affiliated with ${hit.en} (与${hit.zh}存在关联)` : null;
}
