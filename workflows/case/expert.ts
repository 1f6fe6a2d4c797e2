import { and } from 'xstate';
import { caseSetup } from './setup';
import { added, mine, OPEN } from './expert-guards';
import type { Assignment, AssignmentStatus, CaseEvent } from './types';

// 专家评审: the provincial reviewer assigns experts; each accepts or declines (a conflict of
// interest, declared or detected, keeps them from scoring) and scores against the round's rubric
// on a clock of their own; when the quorum has scored, the mean decides.

const assignExperts = caseSetup.assign(({ context, event }) => {
  if (event.type !== 'ASSIGN_EXPERTS') return {};
  const experts = context.experts.map((a) =>
    a.expertId === event.replaces && a.status !== 'scored' ? { ...a, status: 'replaced' as const, at: event.meta.at } : a,
  );
  return {
    experts: [...experts, ...added(context, event)],
    expertReview: context.expertReview ?? (event.rubric && event.quorum ? { rubric: event.rubric, quorum: event.quorum } : null),
  };
});

const startAssignedClocks = caseSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'ASSIGN_EXPERTS') return;
  if (event.replaces) enqueue({ type: 'stopClock', params: { kind: 'expertReview', assignee: event.replaces } });
  // one taken off an assignment still open (overdue, or no longer able to act) is told: the case leaves their inbox
  if (context.experts.some((a) => a.expertId === event.replaces && OPEN.includes(a.status))) {
    enqueue({ type: 'notify', params: { template: 'expert.replaced', to: ['assignee'], assignee: event.replaces } });
  }
  for (const a of added(context, event)) {
    if (a.status !== 'assigned') continue;
    enqueue({ type: 'startClock', params: { kind: 'expertReview', assignee: a.expertId } });
    enqueue({ type: 'notify', params: { template: 'expert.assigned', to: ['assignee'], assignee: a.expertId } });
  }
});

const setMine = (status: AssignmentStatus, extra: (event: CaseEvent) => Partial<Assignment>) =>
  caseSetup.assign({
    experts: ({ context, event }) =>
      context.experts.map((a) => (a === mine(context, event.meta.actorId) ? { ...a, ...extra(event), status, at: event.meta.at } : a)),
  });

const stopMyClock = caseSetup.enqueueActions(({ event, enqueue }) => {
  if (event.meta.actorId) enqueue({ type: 'stopClock', params: { kind: 'expertReview', assignee: event.meta.actorId } });
});

const recordScore = setMine('scored', (e) => (e.type === 'SCORE' ? { scores: e.scores, opinion: e.opinion } : {}));

export const expert = caseSetup.createStateConfig({
  initial: 'assigning',
  states: {
    assigning: {
      meta: {
        may: { ASSIGN_EXPERTS: ['provincial'] },
        task: { role: 'provincial', label: { zh: '指派评审专家', en: 'assign experts' } },
      },
      on: {
        ASSIGN_EXPERTS: {
          guard: 'enoughExperts',
          target: 'reviewing',
          actions: [startAssignedClocks, assignExperts],
        },
      },
    },
    reviewing: {
      meta: {
        may: { ASSIGN_EXPERTS: ['provincial'], ACCEPT_ASSIGNMENT: ['expert'], DECLINE_ASSIGNMENT: ['expert'], SCORE: ['expert'] },
        task: [
          { role: 'expert', label: { zh: '专家评审', en: 'expert review' }, urgentBy: 'expertReview' },
          // SPEC §4: an expert past their own deadline may be replaced, by the earliest of those deadlines
          { role: 'provincial', label: { zh: '替换超期专家', en: 'replace overdue experts' }, urgentBy: 'expertReview', onlyWhile: 'assigneeOverdue' },
          // experts who declined leave too few to reach the quorum: the step cannot end until others are assigned
          { role: 'provincial', label: { zh: '替换谢绝评审的专家', en: 'replace experts who declined' }, onlyWhile: 'panelShort' },
          // an expert whose account was deactivated (or is no longer an expert's) cannot act: the panel would wait out their deadline
          { role: 'provincial', label: { zh: '替换账号已停用的专家', en: 'replace experts whose accounts were deactivated' }, onlyWhile: 'assigneeUnavailable' },
        ],
      },
      on: {
        ASSIGN_EXPERTS: {
          guard: 'replacesOpenAssignment',
          actions: [startAssignedClocks, assignExperts],
        },
        // accepting declares no conflict of interest (SPEC §2): the declaration stays in the history as the event's body
        ACCEPT_ASSIGNMENT: { guard: and(['assignedToMe', 'declaresNoConflict']), actions: setMine('accepted', () => ({})) },
        DECLINE_ASSIGNMENT: {
          guard: 'openForMe',
          actions: [
            setMine('declined', (e) => (e.type === 'DECLINE_ASSIGNMENT' ? { note: e.reason, conflict: e.conflictOfInterest ? 'declared' : null } : {})),
            stopMyClock,
            { type: 'notify', params: { template: 'expert.declined', to: ['provincialReviewers'] } },
          ],
        },
        SCORE: [
          {
            guard: and(['acceptedByMe', 'quorumReached', 'meanPasses']),
            target: '#case.inReview.review.awaitingNotice',
            actions: [recordScore, { type: 'stopClock', params: { kind: 'expertReview' } }, { type: 'notify', params: { template: 'case.expertPassed', to: ['firm', 'provincialReviewers'] } }],
          },
          {
            guard: and(['acceptedByMe', 'quorumReached']),
            target: '#case.rejected',
            actions: [recordScore, { type: 'stopClock', params: { kind: 'expertReview' } }, { type: 'notify', params: { template: 'case.rejected', to: ['firm'] } }],
          },
          { guard: 'acceptedByMe', actions: [recordScore, stopMyClock] },
        ],
      },
    },
  },
});
