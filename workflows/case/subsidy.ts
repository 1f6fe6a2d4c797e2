import { caseSetup } from './setup';

// The money stage (SPEC §4, §6). Entering `approved` computes the subsidy in the case's own
// transaction (server/cases/subsidy.ts: the machine only decides that the case is approved), and
// starts the policy-end clock. A disbursement batch then carries the case: it is batched, the
// batch approved by a second finance user, and each payment settled — paid, or failed and back to
// `calculated` to be batched again. Every one of those events comes from the batch, never a person
// (the case's history still names the finance user whose act on the batch it was).

const toBatch = caseSetup.assign({ batchId: ({ event }) => (event.type === 'BATCHED' ? event.batchId : null) });
const offBatch = caseSetup.assign({ batchId: null });
// the record makes the step a change of the snapshot (the engine refuses a no-op) and lets a second
// delivery of the same approved proposal be refused
const recordReduction = caseSetup.assign({
  reductions: ({ context, event }) => (event.type === 'SUBSIDY_REDUCED' ? [...(context.reductions ?? []), event.proposalId] : (context.reductions ?? [])),
});

// The approval is the firm's one email when the notice ends with the policy verified (notice.ts):
// it says how the notice passed.
const noticeWords = {
  clear: { noticeOutcomeZh: '公示期满无异议', noticeOutcomeEn: 'The public notice ended without objection' },
  dismissed: { noticeOutcomeZh: '公示期满，公示期间收到的异议经核实不成立', noticeOutcomeEn: 'The public notice ended and the objections to it were dismissed' },
} as const;

export const approved = caseSetup.createStateConfig({
  initial: 'calculated',
  entry: caseSetup.enqueueActions(({ context, enqueue }) => {
    // a case approved before the policy end was recorded in its context has no renewal reminder
    if (context.policyEndsOn) enqueue({ type: 'startClock', params: { kind: 'policyEnd', dueOn: context.policyEndsOn } });
    const vars = (context.notice?.dismissed ?? 0) > 0 ? noticeWords.dismissed : noticeWords.clear;
    enqueue({ type: 'notify', params: { template: 'case.approved', to: ['firm', 'finance'], vars } });
  }),
  states: {
    calculated: {
      meta: {
        may: { BATCHED: ['system'], SUBSIDY_REDUCED: ['system'] },
        task: { role: 'finance', label: { zh: '纳入拨付批次', en: 'put into a disbursement batch' }, via: 'batch' },
      },
      on: {
        BATCHED: { target: 'batched', actions: toBatch },
        // 按比例核减, approved by a second finance user: the amount is the service's, the record the history's
        SUBSIDY_REDUCED: {
          guard: 'newReduction',
          actions: [recordReduction, { type: 'notify', params: { template: 'case.subsidyReduced', to: ['firm'] } }],
        },
      },
    },
    batched: {
      meta: { may: { BATCH_APPROVED: ['system'], UNBATCHED: ['system'] } },
      on: {
        BATCH_APPROVED: { guard: 'fromItsBatch', target: 'paymentApproved' },
        // taken out of a batch before its approval, or the batch cancelled
        UNBATCHED: { guard: 'fromItsBatch', target: 'calculated', actions: offBatch },
      },
    },
    paymentApproved: {
      meta: { may: { PAID: ['system'], PAYMENT_FAILED: ['system'] } },
      on: {
        PAID: { guard: 'fromItsBatch', target: 'paid', actions: { type: 'notify', params: { template: 'case.paid', to: ['firm'] } } },
        PAYMENT_FAILED: {
          guard: 'fromItsBatch',
          target: 'calculated',
          actions: [offBatch, { type: 'notify', params: { template: 'case.paymentFailed', to: ['firm', 'finance'] } }],
        },
      },
    },
    // final for the payment, but not for the case: fraud found later starts a recovery
    paid: {
      meta: { may: { START_RECOVERY: ['provincial'] } },
      on: {
        START_RECOVERY: {
          target: '#case.recovery',
          actions: [
            { type: 'stopClock', params: { kind: 'policyEnd' } },
            { type: 'notify', params: { template: 'case.recoveryStarted', to: ['firm', 'finance'] } },
          ],
        },
      },
    },
  },
});

/** 追回: the firm is barred for the round's ban period (server/cases/recovery.ts); finance records the money returned. */
export const recovery = caseSetup.createStateConfig({
  meta: {
    may: { RECOVERED: ['finance'] },
    task: { role: 'finance', label: { zh: '登记追回款项', en: 'record the recovered amount' } },
  },
  on: {
    RECOVERED: { target: 'recovered', actions: { type: 'notify', params: { template: 'case.recovered', to: ['firm', 'provincialReviewers'] } } },
  },
});
