import { caseSetup } from './setup';

export const draft = caseSetup.createStateConfig({
  meta: { may: { SUBMIT: ['firm'], WITHDRAW: ['firm'] } },
  on: {
    SUBMIT: {
      target: 'inReview',
      actions: [
        caseSetup.assign({ submissions: ({ context }) => context.submissions + 1 }),
        { type: 'startClock', params: { kind: 'municipalReview' } },
        { type: 'notify', params: { template: 'case.submitted', to: ['firm', 'municipalReviewers'] } },
      ],
    },
    WITHDRAW: { target: 'withdrawn' },
  },
});
