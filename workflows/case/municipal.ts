import { caseSetup, recordDecision } from './setup';

// 市经信局初审: the city bureau's preliminary review.
export const municipal = caseSetup.createStateConfig({
  meta: {
    may: { APPROVE: ['municipal'], RETURN: ['municipal'], REJECT: ['municipal'] },
    task: { role: 'municipal', label: { zh: '市级初审', en: 'municipal review' }, urgentBy: 'municipalReview' },
  },
  on: {
    APPROVE: {
      target: 'provincial',
      actions: [
        recordDecision('municipal'),
        { type: 'stopClock', params: { kind: 'municipalReview' } },
        { type: 'startClock', params: { kind: 'provincialReview' } },
        { type: 'notify', params: { template: 'case.municipalApproved', to: ['firm', 'provincialReviewers'] } },
      ],
    },
    RETURN: {
      target: 'revision',
      actions: [
        recordDecision('municipal'),
        caseSetup.assign({ returnedFrom: 'municipal' }),
        { type: 'pauseClock', params: { kind: 'municipalReview' } },
        { type: 'startClock', params: { kind: 'revision' } },
        { type: 'notify', params: { template: 'case.returned', to: ['firm'] } },
      ],
    },
    REJECT: {
      target: '#case.rejected',
      actions: [
        recordDecision('municipal'),
        { type: 'stopClock', params: { kind: 'municipalReview' } },
        { type: 'notify', params: { template: 'case.rejected', to: ['firm'] } },
      ],
    },
  },
});
