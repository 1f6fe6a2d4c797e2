import { setup } from 'xstate';
import type { TemplateName } from '../../server/mail/templates';
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
    notify: (_: unknown, _params: { template: TemplateName; to: RecipientGroup[] }) => undefined,
    startClock: (_: unknown, _params: { kind: ClockKind }) => undefined,
    pauseClock: (_: unknown, _params: { kind: ClockKind }) => undefined,
    resumeClock: (_: unknown, _params: { kind: ClockKind }) => undefined,
    stopClock: (_: unknown, _params: { kind: ClockKind }) => undefined,
  },
  guards: {
    policyVerified: ({ context }) => context.policyVerified,
    returnedBy: ({ context }, params: { stage: ReviewStage }) => context.returnedFrom === params.stage,
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
};
