import { setup } from 'xstate';
import type { TemplateName } from '../../server/mail/templates';
import type { OwnerKind } from '../../db/schema/owners';
import { expertGuards } from './expert-guards';
import { noticeGuards } from './notice-guards';
import type { CaseContext, CaseEvent, CaseInput, CaseStateMeta, ClockKind, RecipientGroup, ReviewStage } from './types';

// Effects are named here and executed outside the machine, in the case's transaction
// (server/engine/effects.ts). Their bodies stay empty on purpose: `transition()` only lists them.
export const caseSetup = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
    meta: {} as CaseStateMeta,
  },
  actions: {
    notify: (_: unknown, _params: { template: TemplateName; to: RecipientGroup[]; assignee?: string; vars?: Readonly<Record<string, string>> }) => undefined,
    startClock: (_: unknown, _params: { kind: ClockKind; assignee?: string; dueOn?: string }) => undefined,
    pauseClock: (_: unknown, _params: { kind: ClockKind; assignee?: string }) => undefined,
    resumeClock: (_: unknown, _params: { kind: ClockKind; assignee?: string }) => undefined,
    stopClock: (_: unknown, _params: { kind: ClockKind; assignee?: string }) => undefined,
    emit: (_: unknown, _params: { kind: OwnerKind; ids: string[]; event: { type: string } & Record<string, unknown> }) => undefined,
  },
  guards: {
    policyVerified: ({ context }) => context.policyVerified,
    returnedBy: ({ context }, params: { stage: ReviewStage }) => context.returnedFrom === params.stage,
    // a batch's event moves only the case that batch holds (a stale delivery from an earlier batch is refused)
    fromItsBatch: ({ context, event }) => 'batchId' in event && context.batchId === event.batchId,
    // an approved proposal reduces a case once
    newReduction: ({ context, event }) => event.type === 'SUBSIDY_REDUCED' && !(context.reductions ?? []).includes(event.proposalId),
    ...expertGuards,
    ...noticeGuards,
  },
});

export const recordDecision = (stage: ReviewStage) =>
  caseSetup.assign({
    decisions: ({ context, event }) => {
      if (event.type !== 'APPROVE' && event.type !== 'RETURN' && event.type !== 'REJECT') return context.decisions;
      if (!event.meta.actorId) return context.decisions;
      return [...context.decisions, { stage, actorId: event.meta.actorId, decision: event.type, at: event.meta.at }];
    },
  });

/** Words for a refused guard, shown to the person who pressed the button. */
export const guardReasons: Record<string, { zh: string; en: string }> = {
  policyVerified: { zh: '保险公司尚未核验保单和保费发票', en: 'the insurer has not yet verified the policy and premium receipt' },
  enoughExperts: {
    zh: '无利益冲突的专家人数不足本批次规定的评审人数，或所选专家已在评审本申请、曾声明与本申请存在利益冲突',
    en: 'fewer experts without a conflict of interest than the round requires, or they already review this case or declared a conflict of interest on it',
  },
  replacesOpenAssignment: {
    zh: '只能替换已谢绝或评审超期的专家，且须指派新的无利益冲突专家（已在评审本申请、或曾声明与本申请存在利益冲突的专家不能再指派）',
    en: 'only an expert who declined or is past their deadline can be replaced, by a new expert without a conflict of interest (one who already reviews this case, or declared a conflict on it, cannot be assigned again)',
  },
  assignedToMe: { zh: '您没有待接受的评审任务', en: 'you have no assignment waiting for your acceptance' },
  declaresNoConflict: {
    zh: '接受评审任务须勾选声明：本人与该申请企业不存在利益冲突；如存在利益冲突，请谢绝评审并说明',
    en: 'accepting requires ticking the declaration that you have no conflict of interest with the applicant firm; if you have one, decline the review and say so',
  },
  acceptedByMe: { zh: '请先接受评审任务；已打分或已谢绝的不能再打分', en: 'accept the assignment first; once scored or declined you cannot score' },
  openForMe: { zh: '您没有可谢绝的评审任务', en: 'you have no open assignment to decline' },
  fromItsNotice: { zh: '该申请不在此公示中', en: 'the case is not on this notice' },
  fromItsBatch: { zh: '该申请不在此拨付批次中', en: 'the case is not in this disbursement batch' },
  newReduction: { zh: '该申请已按此核减方案核减', en: 'the subsidy was already reduced by this proposal' },
  namesOpenObjection: { zh: '该申请没有此项待处理的异议', en: 'the case has no open objection with this id' },
};
