import { caseSetup } from './setup';

// 补正: the firm corrects the application; the returning reviewer's clock waits, paused.
export const revision = caseSetup.createStateConfig({
  meta: {
    may: { RESUBMIT: ['firm'], DEADLINE_EXPIRED: ['system'] },
    can: ['edit', 'upload'],
    task: { role: 'firm', label: { zh: '补正后重新提交', en: 'revise and resubmit' }, urgentBy: 'revision' },
  },
  on: {
    RESUBMIT: [
      {
        guard: { type: 'returnedBy', params: { stage: 'municipal' } },
        target: 'municipal',
        actions: [
          caseSetup.assign({ returnedFrom: null, submissions: ({ context }) => context.submissions + 1, policyEndsOn: ({ context, event }) => ('policyEndsOn' in event && event.policyEndsOn !== undefined ? event.policyEndsOn : (context.policyEndsOn ?? null)) }),
          { type: 'stopClock', params: { kind: 'revision' } },
          { type: 'resumeClock', params: { kind: 'municipalReview' } },
          { type: 'notify', params: { template: 'case.resubmitted', to: ['firm', 'municipalReviewers'] } },
        ],
      },
      {
        guard: { type: 'returnedBy', params: { stage: 'provincial' } },
        target: 'provincial',
        actions: [
          caseSetup.assign({ returnedFrom: null, submissions: ({ context }) => context.submissions + 1, policyEndsOn: ({ context, event }) => ('policyEndsOn' in event && event.policyEndsOn !== undefined ? event.policyEndsOn : (context.policyEndsOn ?? null)) }),
          { type: 'stopClock', params: { kind: 'revision' } },
          { type: 'resumeClock', params: { kind: 'provincialReview' } },
          { type: 'notify', params: { template: 'case.resubmitted', to: ['firm', 'provincialReviewers'] } },
        ],
      },
    ],
    DEADLINE_EXPIRED: {
      guard: ({ event }) => event.clock === 'revision',
      target: '#case.lapsed',
      actions: [
        // the reviewer's paused clock ends with the case
        { type: 'stopClock', params: { kind: 'municipalReview' } },
        { type: 'stopClock', params: { kind: 'provincialReview' } },
        { type: 'notify', params: { template: 'case.lapsed', to: ['firm'] } },
      ],
    },
  },
});
