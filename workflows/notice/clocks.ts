import type { ClockKindSpec } from '../kernel/clock-spec';

/** Who a notice's emails go to: the provincial reviewers, and the firms whose cases it lists. */
export const NOTICE_RECIPIENT_GROUPS = ['provincialReviewers', 'memberFirms'] as const;
export type NoticeRecipientGroup = (typeof NOTICE_RECIPIENT_GROUPS)[number];

// SPEC §4, "Clocks": the public notice runs 5 working days (the round's noticeWorkingDays),
// counted from the next working day after publication; its expiry closes the notice.
export const noticeClocks = {
  noticePeriod: {
    label: { zh: '公示期', en: 'public notice period' },
    unit: 'workingDays',
    length: (l) => l.noticeWorkingDays,
    reminders: [],
    remind: [],
    onExpiry: 'event',
    escalate: [],
  },
} as const satisfies Record<string, ClockKindSpec<NoticeRecipientGroup>>;

export type NoticeClockKind = keyof typeof noticeClocks;
