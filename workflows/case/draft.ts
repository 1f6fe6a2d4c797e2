import { caseSetup } from './setup';

export const draft = caseSetup.createStateConfig({
  meta: {
    may: { SUBMIT: ['firm'], WITHDRAW: ['firm'] },
    can: ['edit', 'upload'],
    task: { role: 'firm', label: { zh: '完善并提交申请', en: 'complete and submit the application' }, byRoundClose: true },
  },
  on: {
    SUBMIT: {
      target: 'inReview',
      actions: [
        caseSetup.assign({ submissions: ({ context }) => context.submissions + 1, policyEndsOn: ({ event }) => ('policyEndsOn' in event ? (event.policyEndsOn ?? null) : null) }),
        { type: 'startClock', params: { kind: 'municipalReview' } },
        { type: 'notify', params: { template: 'case.submitted', to: ['firm', 'municipalReviewers'] } },
        { type: 'notify', params: { template: 'case.policyToVerify', to: ['insurer'] } },
      ],
    },
    WITHDRAW: { target: 'withdrawn' },
  },
});
