import { caseSetup } from './setup';

// The insurer's region runs beside the review: it checks the policy and the premium receipt.
export const insurance = caseSetup.createStateConfig({
  initial: 'pendingVerification',
  states: {
    pendingVerification: {
      meta: {
        may: { VERIFY_POLICY: ['insurer'], POLICY_MISMATCH: ['insurer'] },
        task: { role: 'insurer', label: { zh: '核验保单', en: 'verify the policy' } },
      },
      on: {
        VERIFY_POLICY: {
          target: 'verified',
          actions: [
            caseSetup.assign({ policyVerified: true }),
            { type: 'notify', params: { template: 'case.policyVerified', to: ['firm'] } },
          ],
        },
        POLICY_MISMATCH: {
          target: 'mismatch',
          // the reviewers who can return the case for the correction: the city's while it is there, the province's after
          actions: [{ type: 'notify', params: { template: 'case.policyMismatch', to: ['firm', 'municipalReviewers', 'provincialReviewers'] } }],
        },
      },
    },
    // the firm corrects the policy data through a reviewer's RETURN and its RESUBMIT
    mismatch: {
      on: { RESUBMIT: { target: 'pendingVerification' } },
    },
    // a verification holds for the policy that was verified: edited in revision, it is checked again.
    // Final, so that the case is approved once the review region is done too (machine.ts onDone).
    verified: {
      type: 'final',
      on: {
        RESUBMIT: {
          guard: ({ event }) => event.policyChanged === true,
          target: 'pendingVerification',
          actions: [
            caseSetup.assign({ policyVerified: false }),
            { type: 'notify', params: { template: 'case.policyChanged', to: ['insurer'] } },
          ],
        },
      },
    },
  },
});
