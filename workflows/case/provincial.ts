import { caseSetup, recordDecision } from './setup';

// 省经信厅复审: approval needs the insurer's verification of the policy first.
export const provincial = caseSetup.createStateConfig({
  meta: {
    may: { APPROVE: ['provincial'], RETURN: ['provincial'], REJECT: ['provincial'] },
    task: { role: 'provincial', label: { zh: '省级复审', en: 'provincial review' }, urgentBy: 'provincialReview' },
  },
  on: {
    APPROVE: {
      guard: 'policyVerified',
      target: 'expert',
      actions: [
        recordDecision('provincial'),
        { type: 'stopClock', params: { kind: 'provincialReview' } },
        { type: 'notify', params: { template: 'case.provincialApproved', to: ['firm'] } },
      ],
    },
    RETURN: {
      target: 'revision',
      actions: [
        recordDecision('provincial'),
        caseSetup.assign({ returnedFrom: 'provincial' }),
        { type: 'pauseClock', params: { kind: 'provincialReview' } },
        { type: 'startClock', params: { kind: 'revision' } },
        { type: 'notify', params: { template: 'case.returned', to: ['firm'] } },
      ],
    },
    REJECT: {
      target: '#case.rejected',
      actions: [
        recordDecision('provincial'),
        { type: 'stopClock', params: { kind: 'provincialReview' } },
        { type: 'notify', params: { template: 'case.rejected', to: ['firm'] } },
      ],
    },
  },
});
