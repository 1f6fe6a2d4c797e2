import type { ClockKindSpec } from '../kernel/clock-spec';

/**
 * Who a batch's emails go to: every finance user; the finance users who may approve it (neither its
 * creator nor the one who submitted it); its creator; the provincial reviewers.
 */
export const BATCH_RECIPIENT_GROUPS = ['finance', 'otherFinance', 'creator', 'provincialReviewers'] as const;
export type BatchRecipientGroup = (typeof BATCH_RECIPIENT_GROUPS)[number];

// SPEC §4, "Clocks": payment is due 30 calendar days after the batch's approval (the round's
// paymentDays); finance is reminded 5 days before, and an overdue batch is escalated to finance and
// the provincial reviewers. It stops once every payment of the batch is paid or failed.
export const batchClocks = {
  payment: {
    label: { zh: '拨付', en: 'payment' },
    unit: 'calendarDays',
    length: (l) => l.paymentDays,
    reminders: [5],
    remind: ['finance'],
    onExpiry: 'overdue',
    escalate: ['finance', 'provincialReviewers'],
    mail: { reminder: 'batch.paymentReminder', overdue: 'batch.paymentOverdue' },
  },
} as const satisfies Record<string, ClockKindSpec<BatchRecipientGroup>>;

export type BatchClockKind = keyof typeof batchClocks;
