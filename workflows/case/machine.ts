import { caseSetup } from './setup';
import { draft } from './draft';
import { municipal } from './municipal';
import { provincial } from './provincial';
import { revision } from './revision';
import { insurance } from './insurance';
import { expert } from './expert';
import { awaitingNotice, notice, objection, reviewApproved } from './notice';
import { approved, recovery } from './subsidy';

/** Bumped whenever a change would read an old snapshot differently; old versions stay registered. */
export const CASE_MACHINE_VERSION = 'case@3';

export const caseMachine = caseSetup.createMachine({
  id: 'case',
  initial: 'draft',
  context: ({ input }) => ({
    caseId: input.caseId,
    experts: [],
    expertReview: null,
    decisions: [],
    returnedFrom: null,
    policyVerified: false,
    submissions: 0,
    policyEndsOn: null,
    batchId: null,
  }),
  states: {
    draft,
    inReview: {
      type: 'parallel',
      // approved when the review region reaches reviewApproved and the insurance region verified
      onDone: { target: 'approved' },
      // WITHDRAW works until a decision
      meta: { may: { WITHDRAW: ['firm'] } },
      on: {
        WITHDRAW: {
          target: 'withdrawn',
          actions: [
            { type: 'stopClock', params: { kind: 'municipalReview' } },
            { type: 'stopClock', params: { kind: 'provincialReview' } },
            { type: 'stopClock', params: { kind: 'revision' } },
            { type: 'stopClock', params: { kind: 'objection' } },
            { type: 'notify', params: { template: 'case.withdrawn', to: ['firm', 'municipalReviewers'] } },
          ],
        },
      },
      states: {
        review: {
          initial: 'municipal',
          states: {
            municipal,
            provincial,
            revision,
            expert,
            awaitingNotice,
            notice,
            objection,
            reviewApproved,
          },
        },
        insurance,
      },
    },
    // the subsidy stage (SPEC §4, §6): calculated, batched, paymentApproved, paid
    approved,
    recovery,
    recovered: { type: 'final' },
    withdrawn: { type: 'final', meta: { dead: true } },
    rejected: { type: 'final', meta: { dead: true } },
    lapsed: { type: 'final', meta: { dead: true } },
  },
});

export type CaseMachine = typeof caseMachine;
